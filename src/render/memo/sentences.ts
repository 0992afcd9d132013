import { remember } from '../../remember.js'

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' })

/** A segment ending in an initialism (`U.S.`, `U.N.`) or a title does not end a sentence. */
const notAnEnd = /(?:\b(?:[A-Z]\.){2,}|\b(?:Mr|Mrs|Ms|Dr|No|St|vs|e\.g|i\.e)\.)\s*$/

/**
 * Split text into sentences: Unicode's sentence breaks, except after
 * initialisms, which policy prose is full of (`the U.S. Government`).
 * A memo asks for the same reasoning's sentences once for each form it
 * measures: they are worked out once per text.
 */
export function sentences(text: string): string[] {
  return [...remember(split, text, 2000, () => segment(text))]
}

const split = new Map<string, string[]>()

function segment(text: string): string[] {
  const result: string[] = []
  let pending = ''
  for (const { segment } of segmenter.segment(text.replace(/\s+/g, ' ').trim())) {
    pending += segment
    if (!notAnEnd.test(pending)) {
      result.push(pending.trim())
      pending = ''
    }
  }
  if (pending.trim()) result.push(pending.trim())
  return result
}
