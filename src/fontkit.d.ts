// The part of fontkit (a dependency of pdfkit, which pdfmake uses) dossier calls.
declare module 'fontkit' {
  export interface Glyph {
    readonly id: number
  }
  export interface Subset {
    /** Adds a glyph by its id in the font; returns its id in the subset. */
    includeGlyph(glyph: number): number
    /** A TrueType font of the glyphs included and the components of composite ones, with the tables PDF needs (no cmap, name, OS/2 or post). */
    encode(): Uint8Array
    /** The font's glyph ids in subset order: index i is the subset's glyph i. */
    readonly glyphs: number[]
  }
  export interface Font {
    hasGlyphForCodePoint(codePoint: number): boolean
    glyphForCodePoint(codePoint: number): Glyph
    createSubset(): Subset
    /** From the `hhea` table, in font units. */
    readonly ascent: number
    readonly descent: number
    /** From the `head` table. */
    readonly unitsPerEm: number
    /** Shape a string; its advance width is in font units. */
    layout(text: string): { advanceWidth: number }
    /** Where each table is in the file. */
    readonly directory: { tables: Record<string, { offset: number; length: number }> }
  }
  export function openSync(path: string): Font
  export function create(buffer: Buffer): Font
}
