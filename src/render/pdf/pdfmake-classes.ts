import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/** The pdfmake modules whose classes dossier's hooks change. */
type PdfmakeModule = 'PDFDocument' | 'Renderer' | 'DocMeasure' | 'StyleContextStack' | 'TextDecorator'

/**
 * One of pdfmake's own classes, as pdfmake itself loads it (CommonJS, from
 * `pdfmake/js/`): the hooks that make printing tagged, deterministic and
 * faster change their prototypes, each once per process.
 */
export function pdfmakeClass<T>(name: PdfmakeModule): T {
  return (require(`pdfmake/js/${name}.js`) as { default: T }).default
}
