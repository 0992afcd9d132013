// The part of subset-font (harfbuzz's hb-subset as WebAssembly) dossier calls.
declare module 'subset-font' {
  export interface SubsetOptions {
    targetFormat?: 'sfnt' | 'truetype' | 'woff' | 'woff2'
    /** OpenType feature tags whose lookups are kept; default: all. */
    keepFeatures?: string[]
  }
  export default function subsetFont(font: Uint8Array, text: string, options?: SubsetOptions): Promise<Buffer>
}
