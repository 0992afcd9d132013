import type { ContentText } from 'pdfmake/interfaces.js'
import { cjkSegments, hangul } from '../../text.js'
import type { Fallbacks } from './coverage.js'

/** A word joined by a hyphen (`low-intensity`): pdfmake would justify the gap after the hyphen. */
const hyphenated = /[\p{L}\p{N}.]-[\p{L}\p{N}]/u

/**
 * Split text into runs a font can set: characters the main family lacks go
 * in the face `fallbacks` names for them in the language of their text.
 * pdfmake breaks lines as Unicode's line breaking algorithm (UAX #14)
 * says, which is already Japanese and Chinese practice: between any two
 * ideographs or kana, never before closing punctuation and small kana
 * (。、」ッー) nor after opening punctuation (「（). Korean breaks between
 * words instead, so words holding Hangul are kept whole (`noWrap`); the
 * spaces between them stay breakable. Hyphenated words are kept whole too:
 * pdfmake would stretch the gap after the hyphen in justified lines.
 */
export function textRuns(value: string, family: string, fallbacks: Fallbacks | undefined): ContentText[] {
  const runs: ContentText[] = []
  for (const [text, font] of byFont(value, family, fallbacks)) {
    const words = hangul.test(text) || hyphenated.test(text) ? joinPlain(text.split(/(\s+)/u).filter(Boolean)) : [text]
    for (const word of words) {
      const run: ContentText = { text: word }
      if (font !== family) run.font = font
      if (keepWhole(word)) run.noWrap = true
      runs.push(run)
    }
  }
  return runs
}

function keepWhole(word: string): boolean {
  return !/\s/u.test(word) && (hangul.test(word) || hyphenated.test(word))
}

/** Words that may break as usual go back together, so as few runs as needed are made. */
function joinPlain(words: string[]): string[] {
  const joined: string[] = []
  for (const word of words) {
    const last = joined.length - 1
    if (last >= 0 && !keepWhole(word) && !keepWhole(joined[last])) joined[last] += word
    else joined.push(word)
  }
  return joined
}

function byFont(value: string, family: string, fallbacks: Fallbacks | undefined): Array<[string, string]> {
  const runs: Array<[string, string]> = []
  const segments = fallbacks ? cjkSegments(value, fallbacks.han) : [[value, undefined] as const]
  for (const [segment, language] of segments) {
    const faceFor = fallbacks?.faceFor.get(language)
    for (const char of segment) {
      // Characters no font has stay in the main family; the pre-pass warned.
      const font = faceFor?.get(char.codePointAt(0)!) ?? family
      // Spaces and punctuation go with the run they are in.
      const last = runs[runs.length - 1]
      if (last && (last[1] === font || /\s/u.test(char))) last[0] += char
      else runs.push([char, font])
    }
  }
  return runs
}
