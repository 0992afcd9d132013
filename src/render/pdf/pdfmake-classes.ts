import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/** The pdfmake modules whose classes dossier's hooks change. */
type PdfmakeModule = 'PDFDocument' | 'Renderer' | 'DocMeasure' | 'StyleContextStack' | 'TextDecorator'

/**
 * One of pdfmake's own classes, as pdfmake itself loads it (CommonJS, from
 * `pdfmake/js/`): the hooks that make printing tagged, deterministic and
 * faster change their prototypes, once per process (`print.ts`).
 */
export function pdfmakeClass<T>(name: PdfmakeModule): T {
  return (require(`pdfmake/js/${name}.js`) as { default: T }).default
}

/** A line as pdfmake lays it out and hands it to its Renderer: what the hooks that draw it read. */
export interface PdfmakeLine<Inline> {
  inlines: Inline[]
  id?: string
  _outline?: unknown
  _pageNodeRef?: unknown
  getHeight(): number
  getAscenderHeight(): number
}
