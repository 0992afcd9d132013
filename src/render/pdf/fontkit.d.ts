// The part of fontkit (a dependency of pdfkit, which pdfmake uses) dossier calls.
declare module 'fontkit' {
  export interface Font {
    hasGlyphForCodePoint(codePoint: number): boolean
  }
  export function openSync(path: string): Font
}
