/** A run of words that stayed, went or came. */
export interface WordRun {
  op: 'equal' | 'delete' | 'insert'
  text: string
}

/**
 * The longest common subsequence of two sequences, as pairs of indexes
 * into each. Quadratic, which is fine for a paragraph's words or a
 * report's items.
 */
export function commonSubsequence<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean = Object.is): Array<[number, number]> {
  // What two versions share at either end is matched at once: an edit
  // touches a few words of a long text, and the table below is quadratic.
  let start = 0
  while (start < a.length && start < b.length && same(a[start], b[start])) start++
  let end = 0
  while (end < a.length - start && end < b.length - start && same(a[a.length - 1 - end], b[b.length - 1 - end])) end++
  const x = a.slice(start, a.length - end)
  const y = b.slice(start, b.length - end)
  // lengths[i][j]: the longest common subsequence of x[i..] and y[j..].
  const lengths = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1))
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      lengths[i][j] = same(x[i], y[j]) ? lengths[i + 1][j + 1] + 1 : Math.max(lengths[i + 1][j], lengths[i][j + 1])
    }
  }
  const pairs: Array<[number, number]> = Array.from({ length: start }, (_, k) => [k, k])
  for (let i = 0, j = 0; i < x.length && j < y.length; ) {
    if (same(x[i], y[j])) pairs.push([start + i++, start + j++])
    else if (lengths[i + 1][j] >= lengths[i][j + 1]) i++
    else j++
  }
  for (let k = end; k > 0; k--) pairs.push([a.length - k, b.length - k])
  return pairs
}

/**
 * Tokens, each with the space before it, so runs join back into the text:
 * words (with the apostrophes, hyphens and points inside them: `world’s`,
 * `U.S`) and each mark of punctuation on its own, so that a sentence that
 * grows keeps its full stop.
 */
function words(text: string): string[] {
  return text.replace(/\s+/g, ' ').trim().match(/ ?(?:[\p{L}\p{N}\p{M}]+(?:['’.\-–][\p{L}\p{N}\p{M}]+)*|\S)/gu) ?? []
}

/** A token that is a word or a number, not punctuation. */
const isWord = (token: string) => /[\p{L}\p{N}]/u.test(token)

/**
 * A word-level diff, as a reviewer reads one: runs of words kept, deleted
 * and inserted, in order; a change of spacing alone is no change.
 */
export function diffWords(before: string, after: string): WordRun[] {
  const a = words(before)
  const b = words(after)
  const bare = (word: string) => word.trimStart()
  const runs: WordRun[] = []
  const push = (op: WordRun['op'], word: string) => {
    const last = runs[runs.length - 1]
    if (last?.op === op) last.text += word
    else runs.push({ op, text: word })
  }
  let i = 0
  let j = 0
  for (const [x, y] of [...commonSubsequence(a, b, (p, q) => bare(p) === bare(q)), [a.length, b.length]]) {
    while (i < x) push('delete', a[i++])
    while (j < y) push('insert', b[j++])
    if (x < a.length) {
      push('equal', b[j])
      i++
      j++
    }
  }
  return runs.map((run, index) => (index === 0 ? { ...run, text: run.text.trimStart() } : run))
}

/** Words deleted and inserted by a diff. */
export function countWords(runs: WordRun[]): { added: number; removed: number } {
  const count = (op: WordRun['op']) => runs.filter((run) => run.op === op).reduce((sum, run) => sum + words(run.text).filter(isWord).length, 0)
  return { added: count('insert'), removed: count('delete') }
}
