import pdfmake from 'pdfmake'
import type { TDocumentDefinitions } from 'pdfmake/interfaces.js'
import { escapeHtml } from '../../format.js'
import type { FontFaces } from '../../fonts.js'
import { pdfmakeFonts } from './faces.js'
import { installStyleLookup } from './style-lookup.js'
import { installTagging } from './tagged-render.js'
import { installLineDrawing } from './line-drawing.js'
import { installWriting, writtenBytes } from './writing.js'
import { installGraphicsState } from './graphics-state.js'
import { pdfmakeClass } from './pdfmake-classes.js'

// pdfmake's classes are changed once, here, as this module loads (a module
// loads once per process). First the line drawing: the tagging draws each
// element's part of a line through it.
installLineDrawing()
installTagging()
installStyleLookup()
installDrawing()
installWriting()
installGraphicsState()

export interface PrintOptions {
  /** Font families the definition names, as `resolveFonts` returns them. */
  fonts: Record<string, FontFaces>
  /** Stamped as creation date; it also seeds the file ID, so equal inputs give equal bytes. */
  date: Date
}

export interface PrintedPdf {
  bytes: Uint8Array
  pageCount: number
}

/** Where internal links land: for each page (0-based), the destinations its links point to. */
export type LinkMap = string[][]

/**
 * Print a pdfmake document definition to PDF bytes, deterministically: the
 * creation date and the file ID come from `date`, never the clock; no URL is
 * fetched and no file read (images come as `data:` URLs, faces from memory).
 */
export async function printPdf(definition: TDocumentDefinitions, options: PrintOptions): Promise<PrintedPdf> {
  const laidOut = await layoutPdf(definition, options)
  return { bytes: await laidOut.print(), pageCount: laidOut.pageCount }
}

/** A definition laid out: how many pages it takes, and its bytes when asked for. */
export interface LaidOutPdf {
  pageCount: number
  print(): Promise<Uint8Array>
}

/**
 * Lay a definition out and draw it, as `printPdf` does, but finish the PDF
 * (embed the fonts, write the structure) only if `print` is called: a
 * memo's trial that does not fit is only counted.
 */
export async function layoutPdf(definition: TDocumentDefinitions, options: PrintOptions): Promise<LaidOutPdf> {
  const document = await createDocument(definition, options)
  const pageCount = document._pdfMakePages?.length ?? 0
  document._pdfMakePages = undefined
  return { pageCount, print: async () => new Uint8Array(await collect(document)) }
}

/**
 * Lay a definition out and keep only where things went: the positions
 * pdfmake writes on the definition's nodes (and reports to its
 * `pageBreakBefore`), and the pages it laid out. Nothing is drawn: a pass
 * that is never written needs no glyphs set, no fonts embedded and no
 * structure, so it takes the layout's time and memory only.
 */
export async function layoutPages(definition: TDocumentDefinitions, options: PrintOptions): Promise<LaidOutPage[]> {
  const document = await createDocument({ ...definition, tagged: false, subset: undefined, info: { ...definition.info, [layoutOnly]: 'yes' } as TDocumentDefinitions['info'] }, options)
  const pages = document._pdfMakePages ?? []
  // The pages go to the caller alone: the document itself stays reachable after the pass, and its pages with it kept a long report's whole layout alive through the next.
  document._pdfMakePages = undefined
  return pages
}

/**
 * Lay a definition out without keeping the result, and report which internal
 * links of text (`linkToDestination`) landed on which page, in the order
 * they would be drawn. Footnotes use it to find the page each reference
 * mark is set on.
 */
export async function layoutLinks(definition: TDocumentDefinitions, options: PrintOptions): Promise<LinkMap> {
  const pages = await layoutPages(definition, options)
  // As drawn: PDFKit makes a link of each piece of text that has any.
  return pages.map((page) => page.items.flatMap((item) => (item.type === 'line' ? item.item.inlines.filter((inline) => inline.linkToDestination && inline.text.replace(/\n/g, '')).map((inline) => String(inline.linkToDestination)) : [])))
}

/** A page as pdfmake lays it out, before it is drawn: the lines on it (among other items), in drawing order. */
interface LaidOutPage {
  items: Array<{ type: string; item: { inlines: Array<{ text: string; linkToDestination?: string }> } }>
}

/** The info key that marks a document as laid out only (never written, so never seen in a PDF). */
const layoutOnly = 'DossierLayoutOnly'

/**
 * pdfmake draws the pages it laid out with its Renderer, as the last step
 * of making the document. A layout-only document is not drawn. Otherwise a
 * page's laid-out lines are let go once the next page begins (PDFKit has
 * written it by then): a long report's layout, every word an object, need
 * not be held whole until its last page is drawn. This wraps the same
 * method and the document's `addPage` as the tagging does
 * (`tagged-render.ts`); each calls the one it found, so either order works.
 */
function installDrawing(): void {
  const renderer = pdfmakeClass<{ prototype: { pdfDocument: KitDocument; renderPages(pages: LaidOutPage[]): void } }>('Renderer').prototype
  const renderPages = renderer.renderPages
  renderer.renderPages = function (pages) {
    const document = this.pdfDocument
    if (document.info[layoutOnly]) {
      document._pdfMakePages = pages
      return
    }
    const addPage = document.addPage
    let begun = 0
    document.addPage = function (...args) {
      if (begun > 0) pages[begun - 1].items = []
      begun++
      return addPage.apply(this, args)
    }
    try {
      renderPages.call(this, pages)
    } finally {
      delete (document as Partial<KitDocument>).addPage
    }
  }
}

/** The part of PDFKit's document these functions use. */
interface KitDocument extends NodeJS.ReadableStream {
  outline: KitOutline
  info: Record<string, unknown>
  /** The pages pdfmake laid out, set as it draws them. */
  _pdfMakePages?: LaidOutPage[]
  _addInfo(this: KitDocument): void
  addPage(...args: unknown[]): unknown
  end(): void
}

/** A PDFKit outline item: its destination (`[page, 'XYZ', left, top, zoom]`) is written when the document ends. */
interface KitOutline {
  outlineData: { Dest?: unknown[] }
  children: KitOutline[]
}

/**
 * Point each bookmark at the top left of its heading. pdfmake adds the
 * bookmarks without a place, and PDFKit then aims them at the page's top
 * right corner; the headings' positions are on the definition's nodes once
 * laid out, in the same order as the bookmarks.
 */
function placeBookmarks(document: KitDocument, definition: TDocumentDefinitions): void {
  const headings: Array<{ left: number; top: number }> = []
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk)
    if (!value || typeof value !== 'object') return
    const node = value as { outline?: boolean; positions?: Array<{ left: number; top: number }>; stack?: unknown; ul?: unknown; ol?: unknown }
    if (node.outline && node.positions?.[0]) headings.push(node.positions[0])
    walk(node.stack)
    walk(node.ul)
    walk(node.ol)
  }
  walk(definition.content)
  const height = (definition.pageSize as { height: number } | undefined)?.height ?? 0
  const items: KitOutline[] = []
  const flatten = (outline: KitOutline) => outline.children.forEach((child) => (items.push(child), flatten(child)))
  flatten(document.outline)
  items.forEach((item, index) => {
    const dest = item.outlineData.Dest
    const at = headings[index]
    if (!dest || !at) return
    dest[2] = at.left
    dest[3] = height - at.top
  })
}

async function createDocument(definition: TDocumentDefinitions, options: PrintOptions): Promise<KitDocument> {
  // pdfmake keeps fonts and policies on one shared object; they are read
  // synchronously by `createPdf`, so setting them just before is safe. The
  // faces come from memory (`pdfmakeFonts`): no file is read at all.
  pdfmake.setUrlAccessPolicy(() => false)
  pdfmake.setLocalAccessPolicy(() => false)
  pdfmake.setFonts(pdfmakeFonts(options.fonts))
  const info = { ...definition.info, creationDate: options.date, modDate: options.date }
  // Only to show that tagging moves nothing: the tests compare the layouts.
  const untagged = process.env.DOSSIER_UNTAGGED_PDF === '1' ? { tagged: false, subset: undefined } : {}
  // Each page is written out (its content compressed) as the next begins, not all kept to the end: a long report's pages took half the memory of printing it.
  const created = pdfmake.createPdf({ ...definition, info, ...untagged })
  const document = (await created.getStream()) as unknown as KitDocument
  placeBookmarks(document, definition)
  escapeMetadata(document)
  return document
}

/**
 * PDFKit writes the title, author, subject and keywords into the XMP
 * metadata as they are, so an `&` or `<` in a title would break the XML
 * (a PDF/UA file must have valid metadata). Escape them there only: the
 * document information dictionary keeps them as written.
 */
function escapeMetadata(document: KitDocument): void {
  const addInfo = document._addInfo
  document._addInfo = function () {
    const info = this.info
    this.info = Object.fromEntries(Object.entries(info).map(([key, value]) => [key, typeof value === 'string' ? escapeHtml(value) : value]))
    try {
      addInfo.call(this)
    } finally {
      this.info = info
    }
  }
}

function collect(document: KitDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // What PDFKit writes is gathered as it goes (`writing.ts`); the stream only says when it ends.
    document.on('end', () => resolve(Buffer.concat(writtenBytes(document))))
    document.on('error', reject)
    document.resume()
    document.end()
  })
}
