import type { FootnoteDefinition, Root, Table } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { EXIT, visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { displayDate } from '../../format.js'
import { problem } from '../../message.js'
import { imageDataUrl, shownImages } from '../../plugins/remark-images.js'
import type { Renderer, RenderContext } from '../../types.js'
import type { Content } from 'pdfmake/interfaces.js'
import { advanceWidth } from '../../fonts.js'
import { checkCoverage } from './coverage.js'
import { pdfDefinition, printedFrontMatter, type ContentsEntry } from './document.js'
import { breakBefore, planFootnotes, withSentinels, type FootnotePlan } from './footnotes.js'
import { applyPagePlan, keyedNodes, measureBlocks, planPages } from './paginate.js'
import { layoutPages, printPdf } from './print.js'
import { lineHeightOf, loadPdfTemplate, pageGeometry } from './template.js'
import { tableColumns, toPdfmake, type PdfFigure, type Prepared } from './to-pdfmake.js'

/**
 * The print edition, `NAME.pdf`. Async work (template, fonts and their
 * coverage) happens first; images were read by `remarkImages`. Then the
 * tree is converted, purely, to a pdfmake definition, laid out until the
 * footnotes fit, and printed.
 */
export const renderer: Renderer = {
  format: 'pdf',
  description: 'the print edition: cover, contents, page-foot notes, bookmarks',
  async render(tree: Root, file: VFile, context: RenderContext) {
    const meta = file.data.meta!
    const template = await loadPdfTemplate(file, context)
    if (!template) return []
    const geometry = pageGeometry(template, context.paper)
    const coverage = checkCoverage(tree, file, template, context.templates, printedFrontMatter(meta, template))
    const images = pdfImages(file)
    const bold = coverage.families[template.fonts.text].bold
    const bodySize = Number(template.defaultStyle.fontSize ?? 12)
    const prepared: Prepared = { template, geometry, fontFor: coverage.fontFor, images: images.figures, leadWidth: (text) => advanceWidth(bold, text, bodySize), language: meta.language }
    // Images come as `data:` URLs: the printer reads no file but the fonts.
    const options = { fonts: coverage.families, date: context.date }
    const date = displayDate(meta.date, meta.language)

    // Converted once; pdfmake changes a definition as it lays it out, so
    // every pass gets a fresh copy.
    const converted = toPdfmake(tree, prepared)
    const body = { ...converted, content: withSentinels(converted.content) }
    // The body starts on a page of its own, at the page's top.
    Object.assign(keyedNodes(body.content).blocks.get(1) ?? {}, { pageBreak: 'before', marginTop: 0 })
    const contents = contentsEntries(tree, file)
    // Where pages break is planned from one layout of the body as it comes
    // (see paginate.ts), then for each footnote plan's room at the pages' feet.
    let measured: ReturnType<typeof measureBlocks> | undefined
    const definitionFor = (plan: FootnotePlan) => {
      const copy = fresh(body)
      if (measured) applyPagePlan(copy.content, planPages(measured.blocks, geometry, plan.reserve, measured.firstPage))
      const definition = pdfDefinition({ converted: copy, meta, date, template, geometry, families: coverage.families, fontFor: coverage.fontFor, plan, contents })
      // pdfmake describes every node to `pageBreakBefore` after each layout: it is given only where a page keeps room for notes.
      const notesRoom = plan.reserve.some((room) => room > 0)
      return { ...definition, images: { ...images.dictionary }, pageBreakBefore: notesRoom ? breakBefore(geometry, plan.reserve, copy.content) : undefined }
    }
    // The measuring layout is let go once measured: a long report's was kept, node by node, through every later pass.
    const measure = async (probe: ReturnType<typeof definitionFor>) => {
      await layoutPages(probe, options)
      return measureBlocks(probe.content as Content[], (style) => lineHeightOf(template, style))
    }
    measured = await measure(definitionFor({ reserve: [], notesOnPage: [], heights: [] }))
    const { noteIds } = converted
    const plan = await planFootnotes(fresh(converted.notes), definitionFor, geometry, template.footnotes.space + template.footnotes.gap, options)
    if (plan.unfit !== undefined) warnUnfit(tree, file, noteIds[plan.unfit - 1])
    const definition = definitionFor(plan)
    const { bytes } = await printPdf(definition, options)
    warnWideTables(definition.content, converted.tables, geometry.textWidth, file)
    return [{ path: `${context.name}.pdf`, data: bytes, title: 'Print edition' }]
  },
  // The template, and every character against the faces that will set it.
  async check(tree: Root, file: VFile, context: RenderContext) {
    const template = await loadPdfTemplate(file, context)
    if (template) checkCoverage(tree, file, template, context.templates, printedFrontMatter(file.data.meta!, template))
  }
}

/** What the contents list: sections and subsections, and the items under them, in reading order. */
function contentsEntries(tree: Root, file: VFile): ContentsEntry[] {
  const items = new Map((file.data.items ?? []).map((item) => [item.id, item]))
  const entries: ContentsEntry[] = []
  visit(tree, (node) => {
    // An empty heading sets no line to point at (see the heading handler): it has no entry.
    if (node.type === 'heading' && node.depth <= 2 && node.data?.id && toString(node).trim()) entries.push({ kind: node.depth === 1 ? 'section' : 'subsection', id: node.data.id, text: toString(node) })
    const item = node.type === 'listItem' && node.data?.itemId ? items.get(node.data.itemId) : undefined
    if (item) entries.push({ kind: 'item', id: item.id, text: item.lead.replace(/:$/, '') })
  })
  return entries
}

/**
 * A deep copy of pdfmake content: plain objects and arrays are copied,
 * anything else (table layout functions) is shared. `structuredClone`
 * refuses functions.
 */
function fresh<T>(value: T): T {
  if (Array.isArray(value)) return value.map(fresh) as T
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fresh(item)])) as T
  }
  return value
}

/**
 * The images `remarkImages` read: raster images as pdfmake's dictionary of
 * `data:` URLs under names (an image shown twice is embedded once), SVGs as
 * their sanitized markup, which pdfmake draws as vectors; and what stands
 * for each URL as written in the content.
 */
function pdfImages(file: VFile): { figures: Map<string, PdfFigure>; dictionary: Record<string, string> } {
  const figures = new Map<string, PdfFigure>()
  const dictionary: Record<string, string> = {}
  for (const [url, image] of shownImages(file)) {
    if (image.type === 'svg') {
      figures.set(url, { svg: new TextDecoder().decode(image.bytes), text: image.text ?? '' })
      continue
    }
    const name = `image-${Object.keys(dictionary).length + 1}`
    figures.set(url, { image: name })
    dictionary[name] = imageDataUrl(image)
  }
  return { figures, dictionary }
}

/**
 * A table whose columns, each at its narrowest (its longest word), are
 * wider together than the text: pdfmake sets it past the page's edge,
 * where columns are cut off. Read from the widths pdfmake measured as it
 * laid the definition out.
 */
function warnWideTables(content: unknown, tables: Table[], textWidth: number, file: VFile): void {
  const stack = [content]
  while (stack.length > 0) {
    const value = stack.pop()
    if (Array.isArray(value)) {
      for (const item of value) stack.push(item)
      continue
    }
    if (!value || typeof value !== 'object') continue
    const node = value as { sourceTable?: number; _minWidth?: number; stack?: unknown; ul?: unknown; ol?: unknown; table?: { body?: unknown } }
    const table = node.sourceTable === undefined ? undefined : tables[node.sourceTable]
    if (table && (node._minWidth ?? 0) > textWidth) {
      const columns = tableColumns(table)
      const reason = `Unexpected table too wide for the page: its ${columns} columns need ${Math.round(node._minWidth!)} pt at their narrowest, the text is ${Math.round(textWidth)} pt wide, so the print edition cuts off columns; expected fewer columns or shorter words (split the table)`
      problem(file, reason, table, 'pdf-table-wide', { fatal: false, source: 'dossier-pdf' })
    }
    // Only where blocks nest: pdfmake's own measurements hold references back up.
    stack.push(node.stack, node.ul, node.ol, node.table?.body)
  }
}

/** The layout gave up with a note that may not fit at its page's foot: say which, at its definition. */
function warnUnfit(tree: Root, file: VFile, identifier: string): void {
  let definition: FootnoteDefinition | undefined
  visit(tree, 'footnoteDefinition', (node) => {
    if (node.identifier !== identifier) return
    definition = node
    return EXIT
  })
  const label = definition?.label ?? identifier
  problem(file, `Unexpected footnote \`[^${label}]\` that may not fit at the foot of the page that cites it, expected a shorter note or fewer notes on that page`, definition, 'pdf-footnote-fit', { fatal: false, source: 'dossier-pdf' })
}
