import { readFile } from 'node:fs/promises'
import type { Root } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { estimatePageNumbersWith } from 'docx/layout'
import type { VFile } from 'vfile'
import { resolveFonts } from '../../fonts.js'
import type { Renderer, RenderContext, ReportMeta } from '../../types.js'
import { loadImages } from './images.js'
import { packDocx } from './pack.js'
import { loadDocxTemplate, type DocxTemplate } from './styles.js'
import { toDocx, type EmbeddedFont } from './to-docx.js'

export { packDocx, type PackProperties } from './pack.js'
export { docxStyles, loadDocxTemplate, numberingFromTemplate, type DocxTemplate } from './styles.js'
export { bookmarkName } from './bookmark.js'

/**
 * The Word edition, `NAME.docx`: named styles from `templates/docx/`,
 * numbered lists, a table of contents with its page numbers, footnotes,
 * bookmarks on every heading and item. The fonts it is set in are
 * embedded, so it looks, and paginates, the same wherever it is opened.
 */
export const renderer: Renderer = {
  format: 'docx',
  description: 'the Word edition, in named styles an editor can keep working in',
  async render(tree: Root, file: VFile, context: RenderContext) {
    const template = loadDocxTemplate(context.templatesDir)
    const meta = file.data.meta!
    // Async work before the walk, so builders stay synchronous.
    const [images, fonts] = await Promise.all([
      loadImages(tree, file, context.sourceDir),
      embeddedFonts(template, context.templatesDir, hasHangul(tree, meta))
    ])
    // The layout guesses past what it cannot measure as Word does (a symbol
    // no embedded face has) rather than leave the later page numbers blank.
    const pageNumbers = estimatePageNumbersWith({ guess: true })
    const document = toDocx(tree, file, { template, images, fonts, pageNumbers })
    const data = await packDocx(document, context.date, { language: meta.language })
    return [{ path: `${context.name}.docx`, data }]
  }
}

/**
 * The families the template embeds. The East Asian one, six megabytes a
 * face, only when there is Hangul to set, and only its regular face, which
 * Word and LibreOffice embolden where needed.
 */
async function embeddedFonts(template: DocxTemplate, templatesDir: string, hangul: boolean): Promise<EmbeddedFont[]> {
  const roles = template.embed.filter((role) => hangul || role !== 'eastAsia')
  const families = [...new Set(roles.map((role) => template.faces[role]).filter((family): family is string => Boolean(family)))]
  const faces = resolveFonts(templatesDir, families)
  const eastAsia = template.faces.eastAsia
  return Promise.all(
    families.map(async (name) => {
      const files = faces[name]
      if (name === eastAsia) return { name, data: await readFile(files.normal) }
      const [data, bold, italic, boldItalic] = await Promise.all([files.normal, files.bold, files.italics, files.bolditalics].map((file) => readFile(file)))
      // A family without an italic (Noto Sans KR) names its upright file twice: embed it once.
      return {
        name,
        data,
        bold: files.bold === files.normal ? undefined : bold,
        italic: files.italics === files.normal ? undefined : italic,
        boldItalic: files.bolditalics === files.bold ? undefined : boldItalic
      }
    })
  )
}

function hasHangul(tree: Root, meta: ReportMeta): boolean {
  const hangul = /\p{Script=Hangul}/u
  return hangul.test(toString(tree)) || hangul.test(JSON.stringify(meta))
}
