import type { Element, ElementContent, Root as HastRoot } from 'hast'
import type { Root } from 'mdast'
import { defaultHandlers, type Handlers, type State } from 'mdast-util-to-hast'
import { raw } from 'hast-util-raw'
import remarkRehype from 'remark-rehype'
import rehypeSanitize, { defaultSchema, type Options as Schema } from 'rehype-sanitize'
import rehypeStringify from 'rehype-stringify'
import { unified } from 'unified'
import type { VFile } from 'vfile'
import { imageDataUrl } from '../../plugins/remark-images.js'
import { asWritten } from '../../plugins/remark-raw-html.js'
import rehypeAnchorLinks from './rehype-anchor-links.js'
import rehypeNoRequests from './rehype-no-requests.js'
import rehypeSections from './rehype-sections.js'
import rehypeTaskLabels from './rehype-task-labels.js'

/** mdast handlers that differ from the defaults. */
const handlers: Partial<Handlers> = {
  // The report's title is the page's h1, so the source's `#` sections are h2.
  heading(state, node) {
    const element = defaultHandlers.heading(state, node)
    element.tagName = `h${Math.min(6, node.depth + 1)}`
    return element
  },
  // The front matter is data, not content.
  yaml() {
    return undefined
  },
  // Images are inlined from what `remarkImages` read; a refused one is its alt text.
  image(state, node) {
    return inlineImage(state, node.url, defaultHandlers.image(state, node)) ?? { type: 'text', value: node.alt ?? '' }
  },
  // A figure: `<figure>` with the image and its `<figcaption>`; a captioned
  // table: the `<table>` with its `<caption>`. The id goes on either.
  figure(state, node) {
    const [content, caption] = node.children
    const id = node.identifier ? { id: node.identifier } : {}
    const captionElement = (tagName: string): Element => ({ type: 'element', tagName, properties: {}, children: state.all(caption) })
    if (content.type === 'table') {
      const table = state.one(content, node) as Element
      table.properties = { ...table.properties, ...id }
      table.children.unshift({ type: 'text', value: '\n' }, captionElement('caption'))
      return table
    }
    let shown = state.all(content)
    // A refused image: its alt text in its place, unless the caption says it already.
    if (shown.every((child) => child.type === 'text') && node.captionIsAlt) shown = []
    return { type: 'element', tagName: 'figure', properties: id, children: state.wrap([...shown, captionElement('figcaption')], true) }
  },
  figureCaption(state, node) {
    return { type: 'element', tagName: 'figcaption', properties: {}, children: state.all(node) }
  },
  imageReference(state, node) {
    const result = defaultHandlers.imageReference(state, node)
    const definition = state.definitionById.get(node.identifier.toUpperCase())
    if (!definition || !('tagName' in result)) return result
    return inlineImage(state, definition.url, result) ?? { type: 'text', value: node.alt ?? '' }
  }
}

/** `element` (an `img`) with its `src` the image's bytes, or undefined when the image was refused. */
function inlineImage(state: State, url: string, element: Element): Element | undefined {
  const image = state.options.file?.data.images?.get(url)
  if (!image || !('bytes' in image)) return undefined
  // An SVG's size may be fractional CSS pixels; the attributes take whole ones.
  element.properties = { ...element.properties, src: imageDataUrl(image), width: Math.round(image.width), height: Math.round(image.height) }
  return element
}

/**
 * What raw HTML in a source may keep: the default GitHub-like schema, plus
 * the ids and classes dossier's own markup carries. Ids are not prefixed,
 * so `report.html#declared-policy` works.
 */
const schema: Schema = {
  ...defaultSchema,
  clobberPrefix: '',
  attributes: {
    ...defaultSchema.attributes,
    '*': [...(defaultSchema.attributes?.['*'] ?? []), 'className', 'id', 'ariaLabelledBy'],
    // The default allows only `task-list-item` here; items add `item finding`.
    li: ['className']
  },
  tagNames: [...(defaultSchema.tagNames ?? []), 'section', 'figure', 'figcaption', 'caption'],
  // Inlined images; nothing else in the page has a `src`.
  protocols: { ...defaultSchema.protocols, src: ['data'] }
}

/**
 * The processor, by the heading of the notes section (`notes` in
 * labels.json): remark-rehype sets it inside the body, where the page
 * template cannot reach.
 */
const processors = new Map<string, ReturnType<typeof htmlProcessor>>()

function htmlProcessor(footnoteLabel: string) {
  return (
    unified()
      // mdast to hast. Raw HTML is carried over, to be parsed and sanitized next.
      .use(remarkRehype, { allowDangerousHtml: true, handlers, footnoteLabel, clobberPrefix: '' })
      // Raw HTML in the source becomes real nodes, then is sanitized: no
      // scripts, no event handlers, no `javascript:` URLs.
      .use(rehypeRawWhenPresent)
      .use(rehypeSanitize, schema)
      // Raw HTML's images that would be fetched become their alt text.
      .use(rehypeNoRequests)
      // Task lists' checkboxes are named, as every form control must be.
      .use(rehypeTaskLabels)
      // Each top-level heading and what follows it becomes a <section>.
      .use(rehypeSections)
      // A link to copy on every heading and item.
      .use(rehypeAnchorLinks)
      .use(rehypeStringify)
  )
}

/**
 * rehype-raw, when the tree has raw HTML: its parse5 pass over the whole
 * tree is the web edition's costliest step, and without raw HTML it
 * changes nothing.
 */
function rehypeRawWhenPresent() {
  return (tree: HastRoot, file: VFile) => (hasRaw(tree) ? (raw(tree, { file }) as HastRoot) : tree)
}

function hasRaw(node: HastRoot | ElementContent): boolean {
  return node.type === 'raw' || ('children' in node && node.children.some((child) => hasRaw(child as ElementContent)))
}

/**
 * The report's body as an HTML fragment, and its syntax tree; images come from `file.data.images`.
 * Raw HTML goes in as written, to be parsed and sanitized here.
 */
export function toHtmlFragment(tree: Root, file: VFile, notesHeading: string): { html: string; tree: HastRoot } {
  let processor = processors.get(notesHeading)
  if (!processor) processors.set(notesHeading, (processor = htmlProcessor(notesHeading)))
  const hast = processor.runSync(asWritten(tree), file) as HastRoot
  return { html: processor.stringify(hast), tree: hast }
}


