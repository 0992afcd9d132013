import type { Element, Root as HastRoot, RootContent as HastContent } from 'hast'
import { raw } from 'hast-util-raw'
import { defaultHandlers, toMdast, type Handle, type NodeHandle } from 'hast-util-to-mdast'
import type { Nodes, Parents, PhrasingContent, Root, RootContent } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { defaultSchema } from 'rehype-sanitize'
import type { Position } from 'unist'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { problem } from '../message.js'
import type { ParsedHtmlFlow, ParsedHtmlText } from '../types.js'

const source = 'remark-raw-html'

/**
 * Parse the raw HTML of a source into the mdast it means, so that the PDF
 * and Word editions keep its words and its structure (`<br>` a line break,
 * `<sup>` raised, `<table>` a table, `<img>` an image) as the web edition does.
 *
 * CommonMark splits HTML: `H<sub>2</sub>O` is three siblings in a
 * paragraph, and a `<div>` around Markdown is `html`, the Markdown's
 * blocks, `html`. So each parent holding `html` nodes is parsed whole with
 * hast-util-raw, its other children passed through untouched as slots, and
 * turned back into mdast with hast-util-to-mdast. The siblings the HTML
 * takes in are replaced by a `parsedHtmlFlow` or `parsedHtmlText` node
 * holding what they mean; the siblings outside it stay as they were.
 *
 * Why a wrapper and not a plain replacement: the web edition parses the
 * same HTML with rehype-raw and sanitizes it, keeping what mdast cannot say
 * (`<details>`, `<sup>`, classes). It reads the siblings as written from
 * the wrapper's `data.written` (`asWritten`), so its page is what it was
 * before this plugin; the print editions read the wrapper's children.
 * The wrapper sits in the shared tree, so the image pre-pass after this
 * plugin reads an `<img>` like a Markdown image.
 *
 * What print and Word cannot show (`<video>`, `<iframe>`, `<svg>`, form
 * controls, `<script>`) keeps its text, where it has any, and is a warning
 * at its place, once for every edition.
 */
export default function remarkRawHtml() {
  return (tree: Root, file: VFile) => {
    // Collected first: parsing a parent replaces its children.
    const parents = new Set<Parents>()
    visit(tree, 'html', (_node, _index, parent) => {
      if (parent) parents.add(parent)
    })
    const warned = new Set<string>()
    for (const parent of parents) parent.children = parseHtmlIn(parent, file, warned) as typeof parent.children
  }
}

/** The tree as written, for an edition that parses raw HTML itself: every wrapper back to its siblings. */
export function asWritten<T extends Nodes>(node: T): T {
  if (!('children' in node)) return node
  const children = (node.children as RootContent[]).flatMap((child) => (isParsedHtml(child) ? child.data.written : [child]).map(asWritten))
  const same = children.length === node.children.length && children.every((child, index) => child === node.children[index])
  return same ? node : { ...node, children }
}

function isParsedHtml(node: RootContent): node is ParsedHtmlFlow | ParsedHtmlText {
  return node.type === 'parsedHtmlFlow' || node.type === 'parsedHtmlText'
}

/** Parents whose children are blocks; every other parent holds phrasing. */
const flowParents = new Set(['root', 'blockquote', 'listItem', 'footnoteDefinition', 'containerDirective'])

/**
 * A sibling that is not HTML, in the HTML tree: hast-util-raw passes it
 * through untouched (its `index` into the parent's children), and
 * hast-util-to-mdast gives it back as an mdast placeholder, which is
 * replaced by the sibling itself. Markdown text is never re-parsed.
 */
const slot = 'dossierSlot'
interface Slot {
  type: typeof slot
  index: number
  /** hast-util-to-mdast wraps phrasing in paragraphs by `hName` when it has one: a block is a `div`. */
  data?: { hName: 'div' | 'span' }
}

function parseHtmlIn(parent: Parents, file: VFile, warned: Set<string>): RootContent[] {
  const flow = flowParents.has(parent.type)
  const written = parent.children as RootContent[]
  const hast: HastRoot = {
    type: 'root',
    children: written.map((child, index): HastContent =>
      child.type === 'html' ? { type: 'raw', value: child.value, position: child.position } : ({ type: slot, index } satisfies Slot as unknown as HastContent)
    )
  }
  const toSlot: NodeHandle = (_state, node: Slot) => ({ type: slot, index: node.index, data: { hName: flow ? 'div' : 'span' } }) satisfies Slot as unknown as Nodes
  // With `file`, the elements get their places in the source, for warnings and for the nodes made.
  const parsed = toMdast(raw(hast, { passThrough: [slot], file }), {
    // Among blocks, phrasing goes in paragraphs. This runs after the outline,
    // figures and cross-references, so raw `<h2>`, a lone `<img>` and `<a href="#…">`
    // are set as written: no anchor, number or checked target (the web edition
    // shows the HTML as written, and the editions must agree).
    document: flow,
    handlers: handlers(file, warned, written),
    // Comments show in no edition; the web's sanitizer drops them too.
    nodeHandlers: { [slot]: toSlot, comment: () => undefined }
  })

  // Slots left at the top are siblings the HTML did not take in: they stay
  // as they are, and each run between them becomes one wrapper.
  const children: RootContent[] = []
  let next = 0
  let taken: RootContent[] = []
  const close = (end: number) => {
    if (end > next || taken.length > 0) children.push(wrapper(flow, fill(taken, written), written.slice(next, end)))
    next = Math.max(next, end)
    taken = []
  }
  for (const node of 'children' in parsed ? (parsed.children as RootContent[]) : []) {
    const index = slotIndex(node)
    if (index === undefined || index < next) {
      taken.push(node)
      continue
    }
    close(index)
    children.push(written[index])
    next = index + 1
  }
  close(written.length)
  return children
}

function slotIndex(node: Nodes | HastContent): number | undefined {
  return node.type === (slot as string) ? (node as unknown as Slot).index : undefined
}

function wrapper(flow: boolean, children: RootContent[], written: RootContent[]): ParsedHtmlFlow | ParsedHtmlText {
  const start = written[0]?.position?.start
  const end = written.at(-1)?.position?.end
  const position: Position | undefined = start && end ? { start, end } : undefined
  return flow
    ? { type: 'parsedHtmlFlow', children: children as ParsedHtmlFlow['children'], data: { written }, position }
    : { type: 'parsedHtmlText', children: asPhrasing(children), data: { written }, position }
}

/** Nodes that hold phrasing only, which a block brought in by HTML must not land in. */
const phrasingParents = new Set(['paragraph', 'heading', 'tableCell', 'emphasis', 'strong', 'delete', 'link', 'linkReference', 'superscript', 'subscript'])

/**
 * Put each sibling back in its slot. A block of Markdown that lands in a
 * paragraph (`<p>`, blank line, a list) parts it, as a browser closes a
 * `<p>` before a `<ul>`; in other phrasing it goes in line.
 */
function fill(nodes: RootContent[], written: RootContent[]): RootContent[] {
  return nodes.flatMap((node): RootContent[] => {
    const index = slotIndex(node)
    if (index !== undefined) return [written[index]]
    if (!('children' in node)) return [node]
    const children = fill(node.children as RootContent[], written)
    if (node.type === 'paragraph' && children.some(isBlock)) return splitParagraph(children)
    node.children = (phrasingParents.has(node.type) ? asPhrasing(children) : children) as typeof node.children
    return [node]
  })
}

function splitParagraph(children: RootContent[]): RootContent[] {
  const result: RootContent[] = []
  let line: PhrasingContent[] = []
  const flush = () => {
    if (line.some((node) => node.type !== 'text' || node.value.trim() !== '')) result.push({ type: 'paragraph', children: line })
    line = []
  }
  for (const child of children) {
    if (!isBlock(child)) {
      line.push(child as PhrasingContent)
      continue
    }
    flush()
    result.push(child)
  }
  flush()
  return result
}

/**
 * Content fit for a paragraph: a paragraph's or heading's words in line,
 * a line break between two of them, any other block as its text. Only HTML
 * written oddly (`<p>` around a Markdown list, a `<div>` in mid-line) gets here.
 */
function asPhrasing(nodes: RootContent[]): PhrasingContent[] {
  const result: PhrasingContent[] = []
  let lastBlock = false
  for (const node of nodes) {
    if (!isBlock(node)) {
      result.push(node as PhrasingContent)
      lastBlock = false
      continue
    }
    if (lastBlock || result.length > 0) result.push({ type: 'break' })
    if (node.type === 'paragraph' || node.type === 'heading') result.push(...node.children)
    else result.push({ type: 'text', value: toString(node), position: node.position })
    lastBlock = true
  }
  return result
}

const blockTypes = new Set(['paragraph', 'heading', 'blockquote', 'list', 'listItem', 'table', 'tableRow', 'tableCell', 'code', 'thematicBreak', 'parsedHtmlFlow', 'definition', 'footnoteDefinition'])

function isBlock(node: RootContent): boolean {
  return blockTypes.has(node.type)
}

/** What becomes of an element print and Word cannot show: its text, or nothing. */
const unsupported: Record<string, 'text' | 'nothing'> = {
  audio: 'text',
  video: 'text',
  canvas: 'text',
  object: 'text',
  svg: 'text',
  math: 'text',
  button: 'text',
  input: 'text',
  select: 'text',
  textarea: 'text',
  embed: 'nothing',
  iframe: 'nothing',
  script: 'nothing',
  style: 'nothing'
}

/** Elements hast-util-to-mdast sets as text, code here; it reads only their text nodes. */
const verbatim = ['code', 'kbd', 'samp', 'tt', 'var', 'pre', 'listing', 'plaintext', 'xmp']

/** hast-util-to-mdast's handlers, where dossier wants otherwise. */
function handlers(file: VFile, warned: Set<string>, written: RootContent[]): Record<string, Handle> {
  // Markdown inside code (`<code>x</code>` is html, text, html): its slots as their text.
  const withText = (node: Element): Element => ({
    ...node,
    children: node.children.map((child) => {
      const index = slotIndex(child)
      if (index !== undefined) return { type: 'text', value: toString(written[index]) }
      return child.type === 'element' ? withText(child) : child
    })
  })
  const library: Record<string, Handle> = defaultHandlers
  const own: Record<string, Handle> = {
    sup: (state, node) => phrasingOf('superscript', 'sup', state.all(node), node),
    sub: (state, node) => phrasingOf('subscript', 'sub', state.all(node), node),
    // The web's sanitizer keeps neither, so their words stay plain there too.
    u: (state, node) => state.all(node),
    mark: (state, node) => state.all(node),
    // An anchor without `href` is a name, not a link; one the web's sanitizer
    // would not keep (`javascript:`) is no link in print either.
    a: (state, node, parent) => (linkable(String(node.properties.href ?? '')) ? library.a(state, node, parent) : state.all(node)),
    // `<base>` would move every image and link of the report.
    base: () => undefined
  }
  for (const tagName of verbatim) own[tagName] = (state, node, parent) => library[tagName](state, withText(node), parent)
  for (const [tagName, keep] of Object.entries(unsupported)) {
    own[tagName] = (state, node, parent) => {
      warn(file, warned, node, keep)
      if (keep === 'nothing') return undefined
      if (!formControls.has(tagName)) return state.all(node)
      // Form controls: the library keeps their value, or the options chosen; a space parts one from the next.
      const space: Nodes = { type: 'text', value: ' ' }
      return [library[tagName](state, withText(node), parent) ?? [], space].flat()
    }
  }
  return own
}

const formControls = new Set(['input', 'select', 'textarea'])

/** A URL the web edition keeps as a link: relative, or with a protocol its sanitizer allows. */
function linkable(href: string): boolean {
  const protocol = /^([a-z][a-z\d+.-]*):/i.exec(href)?.[1].toLowerCase()
  return href !== '' && (protocol === undefined || (defaultSchema.protocols?.href ?? []).includes(protocol))
}

function phrasingOf(type: 'superscript' | 'subscript', hName: string, children: Nodes[], node: Element): Nodes {
  // `hName` tells hast-util-to-mdast (and mdast-util-to-hast) it is phrasing.
  return { type, children: children as PhrasingContent[], data: { hName }, position: node.position }
}

function warn(file: VFile, warned: Set<string>, node: Element, keep: 'text' | 'nothing'): void {
  const start = node.position?.start
  const key = `${node.tagName}:${start?.line}:${start?.column}`
  if (warned.has(key)) return
  warned.add(key)
  const what = keep === 'text' ? 'only its text is kept there' : 'it is left out there'
  problem(file, `Unexpected \`<${node.tagName}>\` in raw HTML, expected an element the PDF and Word editions can set; ${what}`, node.position, 'html-unsupported', { source, fatal: false })
}
