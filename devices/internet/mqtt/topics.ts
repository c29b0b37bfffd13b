/**
 * MQTT topic names and filters (OASIS MQTT 3.1.1 section 4.7, the same in 5.0):
 * levels split on "/", "+" matches one whole level, "#" the rest (and the
 * parent level itself), and a wildcard at the first level never matches a
 * topic starting with "$" ($SYS and other server topics).
 */

/** A topic name a client may publish to: at least one character, no wildcards, no NUL. */
export function validTopicName(t: string): boolean {
  return t.length > 0 && !/[+#\u0000]/.test(t);
}

/** A topic filter a client may subscribe to: "+" and "#" only as whole levels, "#" only last. */
export function validTopicFilter(f: string): boolean {
  if (f.length === 0 || f.includes('\u0000')) return false;
  const levels = f.split('/');
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i];
    if (l.includes('#') && (l !== '#' || i !== levels.length - 1)) return false;
    if (l.includes('+') && l !== '+') return false;
  }
  return true;
}

/** Does `topic` match `filter`? (Both assumed valid.) */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
