/**
 * Text rules every edition shares, written once so that the editions
 * agree on what is Korean and on what a line ending in a paragraph is.
 */

/** A Hangul character: syllables, jamo, compatibility, halfwidth and enclosed forms. */
export const hangul = /\p{Script=Hangul}/u

/** Runs of Hangul with the spaces between Korean words, captured: `split` on it sets Korean apart. */
export const hangulRuns = new RegExp(`(${hangul.source}+(?:\\s+${hangul.source}+)*)`, 'u')

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
