import type { StructElement, StructPath } from './structure.js'
import { pdfmakeClass, type PdfmakeLine } from './pdfmake-classes.js'

/**
 * Tagged PDF from pdfmake. pdfmake 0.3 passes `tagged` to PDFKit, which
 * then marks the PDF as tagged, but it writes no structure: no element, no
 * marked content, no artifacts. PDFKit has the means, so dossier hooks
 * into pdfmake's last step, where its Renderer draws the laid-out pages
 * onto PDFKit, and into the one place where pdfmake makes content of its
 * own that belongs to the text (list labels).
 *
 * The hooks wrap methods of pdfmake's `Renderer` and `DocMeasure`
 * (`node_modules/pdfmake/js/`, 0.3.x) and act only on documents defined
 * with `tagged: true`; anything else is drawn exactly as before. Nothing is
 * moved: each line is drawn by pdfmake's own `renderLine`, in pieces of
 * one element each, with the line's own height and baseline, so every
 * glyph lands where it did untagged. If pdfmake renames these internals,
 * `test/tagged-pdf.test.ts` fails (no structure, or layout moved).
 *
 * The content carries the structure (`structure.ts`): a run's, image's or
 * shape's `tag` is the path of elements it belongs to. Content drawn a
 * second time (a table's header row repeated on the next page) and
 * content without a tag are artifacts.
 */

/** A PDFKit object, written when ended. */
interface KitRef {
  data: Record<string, unknown>
  end(): void
}

interface KitPage {
  dictionary: KitRef
  annotations: KitRef[]
  readonly structParentTreeKey: number
}

/** The part of PDFKit's document the hooks use. */
interface KitDocument {
  page: KitPage
  options: { tagged?: boolean }
  ref(data: Record<string, unknown>): KitRef
  addPage(...args: unknown[]): unknown
  annotate(x: number, y: number, w: number, h: number, options: Record<string, unknown>): unknown
  markContent(tag: string, options?: Record<string, unknown> | null): unknown
  markStructureContent(tag: string, options?: Record<string, unknown>): { refs: Array<{ pageRef: KitRef; mcid: number }> }
  endMarkedContent(): unknown
  getStructTreeRoot(): KitRef
  getStructParentTree(): { get(key: number): Array<KitRef | null>; add(key: number, value: KitRef): void }
  createStructParentTreeNextKey(): number
}

/** A run of text as pdfmake positions it. */
interface Inline {
  text: string
  tag?: StructPath
}

type Line = PdfmakeLine<Inline>

interface Drawn {
  tag?: StructPath
}

interface RendererInstance {
  pdfDocument: KitDocument
}

type Method<A extends unknown[]> = (this: RendererInstance, ...args: A) => void

interface RendererPrototype {
  renderPages: Method<[pages: unknown[]]>
  renderLine: Method<[line: Line, x: number, y: number]>
  renderVector: Method<[vector: Drawn]>
  renderImage: Method<[image: Drawn]>
  renderSVG: Method<[svg: Drawn]>
  beginClip: Method<[rect: unknown]>
  endClip: Method<[]>
  beginVerticalAlignment: Method<[item: unknown]>
  endVerticalAlignment: Method<[item: unknown]>
}

interface Marker {
  _inlines?: Inline[]
  canvas?: Drawn[]
}

interface DocMeasurePrototype {
  buildOrderedMarker(item: { markerTag?: StructPath }, ...rest: unknown[]): Marker
  buildUnorderedMarker(item: { markerTag?: StructPath }, ...rest: unknown[]): Marker
}

const renderer = pdfmakeClass<{ prototype: RendererPrototype }>('Renderer').prototype
const measure = pdfmakeClass<{ prototype: DocMeasurePrototype }>('DocMeasure').prototype

/** The structure being built for each document as its pages are drawn. */
const trees = new WeakMap<RendererInstance, StructureTree>()

/** Install the hooks (`print.ts` does, as it loads). */
export function installTagging(): void {
  const original = { ...pick(renderer), buildOrderedMarker: measure.buildOrderedMarker, buildUnorderedMarker: measure.buildUnorderedMarker }

  renderer.renderPages = function (pages) {
    if (!this.pdfDocument.options.tagged) return original.renderPages.call(this, pages)
    const document = this.pdfDocument
    const tree = new StructureTree(document)
    trees.set(this, tree)
    // Marked content ends on the page it began on; links are filed under their `Link` element.
    const { addPage, annotate } = document
    document.addPage = function (...args) {
      tree.close()
      return addPage.apply(this, args)
    }
    document.annotate = function (x, y, w, h, options) {
      return tree.annotation(options, () => annotate.call(this, x, y, w, h, options))
    }
    try {
      original.renderPages.call(this, pages)
      tree.close()
      tree.write()
    } finally {
      trees.delete(this)
      delete (document as Partial<KitDocument>).addPage
      delete (document as Partial<KitDocument>).annotate
    }
  }

  renderer.renderLine = function (line, x, y) {
    const tree = trees.get(this)
    if (!tree || line.inlines.length === 0) return original.renderLine.call(this, line, x, y)
    // One piece per element, each drawn by pdfmake with the whole line's height and baseline.
    const height = line.getHeight()
    const ascender = line.getAscenderHeight()
    const getHeight = () => height
    const getAscenderHeight = () => ascender
    const paths = tree.claim(line.inlines)
    let start = 0
    while (start < paths.length) {
      let end = start + 1
      while (end < paths.length && samePlace(paths[end], paths[start])) end++
      // What pdfmake's renderLine reads of a line; the line's bookmark, destination and page reference go with its first piece.
      // (A piece made with `Object.create(line)` made every line a prototype, which V8 makes slow to read: a fifth of drawing a long report.)
      const first = start === 0
      const piece: Line = {
        inlines: line.inlines.slice(start, end),
        id: first ? line.id : undefined,
        _outline: first ? line._outline : undefined,
        _pageNodeRef: first ? line._pageNodeRef : undefined,
        getHeight,
        getAscenderHeight
      }
      tree.mark(paths[start])
      original.renderLine.call(this, piece, x, y)
      start = end
    }
  }

  for (const name of ['renderVector', 'renderImage', 'renderSVG'] as const) {
    const draw = original[name]
    renderer[name] = function (item) {
      trees.get(this)?.mark(item.tag)
      draw.call(this, item)
    }
  }

  // Clipping and alignment save and restore the graphics state: no marked content spans them.
  for (const name of ['beginClip', 'endClip', 'beginVerticalAlignment', 'endVerticalAlignment'] as const) {
    const step = original[name] as Method<unknown[]>
    ;(renderer[name] as Method<unknown[]>) = function (...args) {
      trees.get(this)?.close()
      step.apply(this, args)
    }
  }

  // pdfmake draws list labels itself; they carry the `Lbl` path the list item gives (`markerTag`).
  for (const name of ['buildOrderedMarker', 'buildUnorderedMarker'] as const) {
    const build = original[name]
    measure[name] = function (item, ...rest) {
      const marker = build.call(this, item, ...rest)
      if (item.markerTag) {
        for (const inline of marker._inlines ?? []) inline.tag = item.markerTag
        for (const shape of marker.canvas ?? []) shape.tag = item.markerTag
      }
      return marker
    }
  }
}

function pick(prototype: RendererPrototype): RendererPrototype {
  const { renderPages, renderLine, renderVector, renderImage, renderSVG, beginClip, endClip, beginVerticalAlignment, endVerticalAlignment } = prototype
  return { renderPages, renderLine, renderVector, renderImage, renderSVG, beginClip, endClip, beginVerticalAlignment, endVerticalAlignment }
}

function samePlace(a: StructPath | undefined, b: StructPath | undefined): boolean {
  return keyOf(a?.at(-1)) === keyOf(b?.at(-1))
}

function keyOf(element: StructElement | undefined): string {
  return element ? element.key.join('.') : ''
}

/** A piece of marked content, or a link annotation, in an element. */
type Kid = { node: Node } | { mcid: number; page: KitRef } | { annotation: KitRef; page: KitRef }

interface Node {
  element: StructElement
  ref: KitRef
  parent?: Node
  kids: Kid[]
  /** Holds marked content of its own: its kids stay in the order drawn (a paragraph's runs and links). */
  holdsContent: boolean
}

/**
 * The structure tree of one document, built as its pages are drawn: an
 * element for every key met, with its marked content and link annotations
 * in the order drawn; at the end, the tree is written in reading order
 * under one `Document` element.
 */
class StructureTree {
  private readonly nodes = new Map<string, Node>()
  private readonly root: Node
  private readonly drawn = new WeakSet<Inline[]>()
  /** The marked content open on the current page: an element's key, or '' for an artifact. */
  private open: { page: KitPage; key: string; node?: Node } | undefined

  constructor(private readonly document: KitDocument) {
    this.root = { element: { key: [], role: 'Document' }, ref: document.ref({ Type: 'StructElem', S: 'Document' }), kids: [], holdsContent: false }
  }

  /**
   * The path each run of a line belongs to; none when the line is drawn a
   * second time (a repeated table header), which makes it an artifact. A
   * line drawn again is pdfmake's copy of it (`Line#clone`), with the same
   * runs: known by them, one mark a line rather than one a run.
   */
  claim(inlines: Inline[]): Array<StructPath | undefined> {
    const again = this.drawn.has(inlines)
    this.drawn.add(inlines)
    return inlines.map((inline) => (again ? undefined : inline.tag))
  }

  /** Begin marked content for `path`'s element, or an artifact; more content of the one already open continues it. */
  mark(path: StructPath | undefined): void {
    const key = keyOf(path?.at(-1))
    const page = this.document.page
    if (this.open?.page === page && this.open.key === key) return
    this.close()
    if (!path || path.length === 0) {
      this.document.markContent('Artifact')
      this.open = { page, key }
      return
    }
    const node = this.place(path)
    const [{ mcid }] = this.document.markStructureContent(node.element.role).refs
    node.kids.push({ mcid, page: page.dictionary })
    node.holdsContent = true
    this.open = { page, key, node }
  }

  close(): void {
    if (this.open?.page === this.document.page) this.document.endMarkedContent()
    this.open = undefined
  }

  /**
   * A link annotation made by `make`: file it under the `Link` element of
   * the content being drawn (PDF/UA wants every link in one), with the
   * link's description.
   */
  annotation<T>(options: Record<string, unknown>, make: () => T): T {
    const open = this.open?.node
    if (!open) return make()
    let link: Node | undefined = open
    while (link && link.element.role !== 'Link') link = link.parent
    // A link in an element with no `Link` of its own gets one there.
    if (!link) {
      link = this.child(open, { key: [...open.element.key, open.kids.length], role: 'Link' })
      open.kids.push({ node: link })
    }
    const key = this.document.createStructParentTreeNextKey()
    this.document.getStructParentTree().add(key, link.ref)
    options.StructParent = key
    if (link.element.contents) options.Contents = new String(link.element.contents)
    const made = make()
    const page = this.document.page
    link.kids.push({ annotation: page.annotations[page.annotations.length - 1], page: page.dictionary })
    return made
  }

  /** The node of `path`'s last element, with those above it, made where missing. */
  private place(path: StructPath): Node {
    let parent = this.root
    for (const element of path) {
      const key = keyOf(element)
      let node = this.nodes.get(key)
      if (!node) {
        node = this.child(parent, element)
        this.nodes.set(key, node)
        parent.kids.push({ node })
      }
      parent = node
    }
    return parent
  }

  private child(parent: Node, element: StructElement): Node {
    return { element, ref: this.document.ref({ Type: 'StructElem', S: element.role }), parent, kids: [], holdsContent: false }
  }

  /** Write every element, in reading order, under the `Document` element. */
  write(): void {
    const structRoot = this.document.getStructTreeRoot()
    this.writeNode(this.root, structRoot)
    structRoot.data.K = [this.root.ref]
  }

  private writeNode(node: Node, parent: KitRef): void {
    const { element, ref } = node
    const data = ref.data
    data.P = parent
    if (element.alt) data.Alt = new String(element.alt)
    if (element.lang) data.Lang = new String(element.lang)
    if (element.actual) data.ActualText = new String(element.actual)
    if (element.id) data.ID = new String(element.id)
    if (element.scope) data.A = { O: 'Table', Scope: element.scope }
    const kids = node.holdsContent ? node.kids : [...node.kids].sort(byReadingOrder)
    const page = kids.find((kid): kid is Exclude<Kid, { node: Node }> => 'page' in kid)?.page
    if (page) data.Pg = page
    const parentTree = this.document.getStructParentTree()
    data.K = kids.map((kid) => {
      if ('node' in kid) {
        this.writeNode(kid.node, ref)
        return kid.node.ref
      }
      if ('annotation' in kid) return { Type: 'OBJR', Obj: kid.annotation, Pg: kid.page }
      parentTree.get(kid.page.data.StructParents as number)[kid.mcid] = ref
      return kid.page === page ? kid.mcid : { Type: 'MCR', Pg: kid.page, MCID: kid.mcid }
    })
    ref.end()
  }
}

/** Elements by their keys; marked content keeps its place. */
function byReadingOrder(a: Kid, b: Kid): number {
  if (!('node' in a) || !('node' in b)) return 0
  const x = a.node.element.key
  const y = b.node.element.key
  for (let index = 0; index < Math.min(x.length, y.length); index++) if (x[index] !== y[index]) return x[index] - y[index]
  return x.length - y.length
}
