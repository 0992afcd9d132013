/**
 * The value kept under `key`, else `make()`'s, kept: at most `limit` values,
 * the oldest forgotten first. For what a build works out again each time
 * (parses, subsets, deflated entries) and a rebuild would ask for again.
 */
export function remember<K, V>(kept: Map<K, V>, key: K, limit: number, make: () => V): V {
  if (kept.has(key)) return kept.get(key)!
  const value = make()
  if (kept.size >= limit) kept.delete(kept.keys().next().value!)
  kept.set(key, value)
  return value
}
