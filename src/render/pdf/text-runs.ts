import type { ContentText } from 'pdfmake/interfaces.js'
import { hangul } from '../../text.js'

/** A word joined by a hyphen (`low-intensity`): pdfmake would justify the gap after the hyphen. */
const hyphenated = /[\p{L}\p{N}.]-[\p{L}\p{N}]/u

/**
 * Split text into runs a font can set: characters the main family lacks go
 * in the family `fontFor` names. Words holding Hangul are kept whole
 * (`noWrap`), because pdfmake's line breaker would otherwise break between
 * any two syllables; the spaces between them stay breakable. Hyphenated
 * words are kept whole too: pdfmake would stretch the gap after the hyphen
 * in justified lines.
 */
export function textRuns(value: string, family: string, fontFor: Map<number, string | null> | undefined): ContentText[] {
  const runs: ContentText[] = []
  for (const [text, font] of byFont(value, family, fontFor)) {
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

function byFont(value: string, family: string, fontFor: Map<number, string | null> | undefined): Array<[string, string]> {
  const runs: Array<[string, string]> = []
  for (const char of value) {
    // Characters no font has stay in the main family; the pre-pass warned.
    const font = fontFor?.get(char.codePointAt(0)!) ?? family
    // Spaces and punctuation go with the run they are in.
    const last = runs[runs.length - 1]
    if (last && (last[1] === font || /\s/u.test(char))) last[0] += char
    else runs.push([char, font])
  }
  return runs
}
