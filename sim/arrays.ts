/**
 * An empty array whose elements are objects from the start (V8's
 * PACKED_ELEMENTS). `[]` begins as an array of small integers and changes
 * its hidden class at the first object put in, so a site that pushes into
 * many such arrays (one per socket, per heap) sees two classes, and V8's
 * optimized code calls its generic push builtin there instead of storing
 * in place.
 */
export function objectArray<T extends object>(): T[] {
  const a: unknown[] = [null];
  a.length = 0;
  return a as T[];
}
