import { createHash } from 'node:crypto'

/** Word's longest bookmark name. */
const maxLength = 40

/**
 * The Word bookmark for an anchor id (`strategic-context` →
 * `strategic_context`). Word names bookmarks with letters, digits and
 * underscores, starting with a letter, at most 40 characters, and drops or
 * renames others when it saves; a long id keeps its start and a hash of
 * the whole, so two ids never meet.
 */
export function bookmarkName(id: string): string {
  let name = id.replace(/[^\p{L}\p{N}_]+/gu, '_')
  if (!/^\p{L}/u.test(name)) name = `x_${name}`
  if (name.length <= maxLength) return name
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 8)
  return `${name.slice(0, maxLength - hash.length - 1)}_${hash}`
}
