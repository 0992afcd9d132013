import { location } from 'vfile-location'
import type { VFile } from 'vfile'
import { problem } from './message.js'

/**
 * Characters no edition can carry: controls other than tab and line
 * endings (XML forbids them, HTML calls them parse errors), noncharacters
 * (U+FFFE, U+FFFF and their kin) and lone surrogates.
 */
const unwanted = /(?![\t\n\r])\p{Cc}|\p{Noncharacter_Code_Point}|\p{Cs}/gu

/**
 * Remove what no edition can carry from the source before it is parsed, so
 * every edition and the data agree, with one warning at the first.
 */
export function removeUnwantedCharacters(file: VFile): void {
  const text = String(file.value)
  const found = [...text.matchAll(unwanted)]
  if (found.length === 0) return
  const first = found[0]
  const code = first[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')
  const more = found.length > 1 ? ` (and ${found.length - 1} more)` : ''
  const place = location(file).toPoint(first.index)
  problem(file, `Unexpected control character or noncharacter U+${code}${more}, expected text; removed from every edition`, place && { start: place, end: place }, 'source-character', { fatal: false })
  file.value = text.replace(unwanted, '')
}
