/** `--shard i/n`: a deterministic partition of the scenario list (sorted, index % n). */

export function parseShard(text: string): { index: number; count: number } | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return count >= 1 && index >= 1 && index <= count ? { index, count } : undefined;
}

/** The items of shard `index` (1-based) of `count`: sorted, then every count-th starting at index-1. */
export function shardOf<T extends string>(items: readonly T[], index: number, count: number): T[] {
  const sorted = [...new Set(items)].sort();
  return sorted.filter((_, i) => i % count === index - 1);
}
