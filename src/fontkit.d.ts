// The part of fontkit (a dependency of pdfkit, which pdfmake uses) dossier calls.
declare module 'fontkit' {
  export interface Font {
    hasGlyphForCodePoint(codePoint: number): boolean
    /** From the `hhea` table, in font units. */
    readonly ascent: number
    readonly descent: number
    /** From the `head` table. */
    readonly unitsPerEm: number
    /** Shape a string; its advance width is in font units. */
    layout(text: string): { advanceWidth: number }
  }
  export function openSync(path: string): Font
}
