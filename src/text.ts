/**
 * Text rules every edition shares, written once so that the editions
 * agree on what is Japanese, Chinese or Korean and on what a line ending
 * in a paragraph is.
 */

/** A Hangul character: syllables, jamo, compatibility, halfwidth and enclosed forms. */
export const hangul = /\p{Script=Hangul}/u

/** Hiragana or katakana: only Japanese is written with them. */
const kana = /[\p{Script=Hiragana}\p{Script=Katakana}]/u

/**
 * The CJK writing systems dossier sets each in a face of its own: they
 * share Han characters but draw many of them differently (直, 骨, 写).
 */
export type CjkLanguage = 'ja' | 'ko' | 'zh-Hans' | 'zh-Hant'

/** The tag Word and LibreOffice know each by. */
export const cjkRegionalTag: Record<CjkLanguage, string> = { ja: 'ja-JP', ko: 'ko-KR', 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-TW' }

/**
 * A character of CJK text: Han, kana, Hangul, Bopomofo, and the symbols,
 * punctuation and fullwidth forms only CJK text uses (。、「」（）！ー).
 */
const cjkCharacter = '[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\p{Script=Bopomofo}\\u3000-\\u303f\\u3099-\\u309c\\u30a0\\u30fb\\u30fc\\u3200-\\u33ff\\ufe10-\\ufe1f\\ufe30-\\ufe4f\\uff00-\\uffef]'

/** Runs of CJK text with the spaces between its words (Korean has them), captured: `split` on it sets CJK text apart. */
const cjkRuns = new RegExp(`(${cjkCharacter}+(?:\\s+${cjkCharacter}+)*)`, 'u')

/**
 * The CJK language a BCP 47 tag names: `ja`, `ko`, Chinese as Traditional
 * when the tag says `Hant` or a region that writes it (TW, HK, MO), else
 * Simplified; `undefined` for any other language.
 */
export function cjkLanguageOf(tag: string | undefined): CjkLanguage | undefined {
  const [language, ...subtags] = (tag ?? '').toLowerCase().split('-')
  if (language === 'ja' || language === 'ko') return language
  if (language !== 'zh') return undefined
  if (subtags.includes('hans')) return 'zh-Hans'
  return subtags.some((subtag) => ['hant', 'tw', 'hk', 'mo'].includes(subtag)) ? 'zh-Hant' : 'zh-Hans'
}

/**
 * The language Han is read in where no kana or Hangul is beside it: the
 * document's, when that is Japanese, Korean or Chinese; else Japanese when
 * the document has kana anywhere, Korean when it has Hangul, and
 * Simplified Chinese otherwise.
 */
export function hanLanguage(documentLanguage: string | undefined, text: string): CjkLanguage {
  return cjkLanguageOf(documentLanguage) ?? (kana.test(text) ? 'ja' : hangul.test(text) ? 'ko' : 'zh-Hans')
}

/**
 * Text cut into CJK runs, each with its language, and the text between
 * them (language `undefined`). A run is Japanese when it has kana, Korean
 * when it has Hangul, else in `han`'s language.
 */
export function cjkSegments(text: string, han: CjkLanguage): Array<[text: string, language: CjkLanguage | undefined]> {
  return text
    .split(cjkRuns)
    .map((part, index): [string, CjkLanguage | undefined] => [part, index % 2 === 0 ? undefined : kana.test(part) ? 'ja' : hangul.test(part) ? 'ko' : han])
    .filter(([part]) => part !== '')
}

/** A line ending inside a paragraph, with the blanks around it, is one space, as it is in HTML. */
export function lineEndingsAsSpaces(value: string): string {
  return value.replace(/[ \t]*\r?\n[ \t]*/g, ' ')
}

/** `decodeURIComponent` that leaves a malformed escape (`#100%`) as written instead of throwing. */
export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/** Han, kana and CJK punctuation: text that runs on without spaces between its sentences (Korean has them). */
const unspaced = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff01-\uff60]/u

/** What goes between two pieces of running text: a space, or none where either side is Chinese or Japanese (`…強化せよ。北朝鮮…`). */
export function spaceBetween(before: string, after: string): string {
  return unspaced.test([...before].at(-1) ?? '') || unspaced.test([...after].at(0) ?? '') ? '' : ' '
}

/** Sentences as running text, spaced as their language spaces them. */
export function joinSentences(sentences: string[]): string {
  return sentences.reduce((text, sentence, index) => (index === 0 ? sentence : `${text}${spaceBetween(text, sentence)}${sentence}`), '')
}
