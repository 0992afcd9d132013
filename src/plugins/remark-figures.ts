import type { Definition, Image, ImageReference, Paragraph, PhrasingContent, Root, Table } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { SKIP, visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { labelDefaults, type Labels } from '../labels.js'
import type { Position as UnistPosition } from 'unist'
import type { Figure, FigureCaption, FigureKind, Point, ReportFigure } from '../types.js'

export interface FigureOptions {
  /** The words of captions' labels. Default: dossier's (`Figure`, `Table`). */
  labels?: Labels
}

/** `{#fig-growth}`, the id written after a figure's image or at the end of a table's caption. */
const idAttribute = /\s*\{#([A-Za-z][\w.:-]*)\}\s*$/
/** Pandoc's table caption: a paragraph right after the table starting `Table:` (or a bare `:`). */
const tableCaption = /^(?:Table)?:\s+/

/**
 * Number the report's figures and captioned tables, and give each its
 * caption, as `figure` nodes in the tree and `file.data.figures`:
 *
 * - an image that stands alone in its paragraph is a figure; its caption
 *   is the image's title, or else its alt text;
 * - a table followed by a paragraph `Table: …` takes that paragraph as its
 *   caption (Pandoc's syntax); other tables are left as they are;
 * - either takes an id for cross-references as `{#fig-growth}` after the
 *   image or at the end of the caption.
 *
 * Figures and tables are counted apart, in the order they come. The label
 * (`Figure 2`) goes into the caption as text, so renderers set captions as
 * the phrasing they are. Runs after `remarkOutline` (for each one's section).
 */
export default function remarkFigures(options: FigureOptions = {}) {
  const labels = options.labels ?? labelDefaults
  return (tree: Root, file: VFile) => {
    const definitions = new Map<string, Definition>()
    visit(tree, 'definition', (node) => {
      if (!definitions.has(node.identifier)) definitions.set(node.identifier, node)
    })
    const figures: ReportFigure[] = []
    const counts: Record<FigureKind, number> = { figure: 0, table: 0 }
    let section = { id: '', title: '' }
    const add = (kind: FigureKind, identifier: string | undefined, content: Paragraph | Table, text: PhrasingContent[], position: UnistPosition | undefined, src?: string) => {
      const label = `${labels[kind]} ${++counts[kind]}`
      figures.push({
        ...(identifier ? { id: identifier } : {}),
        kind,
        number: counts[kind],
        label,
        caption: toString(text).trim(),
        ...(src !== undefined ? { src } : {}),
        section,
        position: { start: pointOf(position?.start), end: pointOf(position?.end) }
      })
      const strong: PhrasingContent = { type: 'strong', data: { captionLabel: true }, children: [{ type: 'text', value: label }] }
      const caption: FigureCaption = {
        type: 'figureCaption',
        children: text.length > 0 ? [strong, { type: 'text', value: labels.captionSeparator }, ...text] : [strong],
        position: content.position
      }
      const figure: Figure = { type: 'figure', kind, identifier, children: [content, caption], position }
      return figure
    }

    visit(tree, (node, index, parent) => {
      if (node.type === 'footnoteDefinition') return SKIP
      if (node.type === 'heading' && node.depth === 1) section = { id: node.data?.id ?? '', title: toString(node) }
      if (!parent || index === undefined) return
      if (node.type === 'paragraph') {
        const found = figureImage(node)
        if (!found) return
        const { image, identifier } = found
        const definition = image.type === 'imageReference' ? definitions.get(image.identifier) : undefined
        const title = image.type === 'image' ? image.title : definition?.title
        const text = (title || image.alt || '').trim()
        const content: Paragraph = { type: 'paragraph', children: [image], position: node.position }
        const src = image.type === 'image' ? image.url : definition?.url
        const figure = add('figure', identifier, content, text ? [{ type: 'text', value: text, position: image.position }] : [], node.position, src)
        if (!title) figure.captionIsAlt = true
        parent.children[index] = figure
        return SKIP
      }
      if (node.type === 'table') {
        const next = parent.children[index + 1]
        const caption = next?.type === 'paragraph' ? captionOf(next) : undefined
        if (!caption) return
        const position = node.position && next.position ? { start: node.position.start, end: next.position.end } : node.position
        parent.children.splice(index, 2, add('table', caption.identifier, node, caption.children, position))
        return SKIP
      }
    })
    file.data.figures = figures
  }
}

function pointOf(point: UnistPosition['start'] | undefined): Point {
  return { line: point?.line ?? 1, column: point?.column ?? 1, offset: point?.offset ?? 0 }
}

/** The image of a paragraph that holds only it (and, after it, its `{#id}`). */
function figureImage(paragraph: Paragraph): { image: Image | ImageReference; identifier?: string } | undefined {
  const meaningful = paragraph.children.filter((child) => !(child.type === 'text' && child.value.trim() === ''))
  const [image, attribute, ...rest] = meaningful
  if (!image || (image.type !== 'image' && image.type !== 'imageReference') || rest.length > 0) return undefined
  if (!attribute) return { image }
  const identifier = attribute.type === 'text' && attribute.value.replace(idAttribute, '') === '' ? idAttribute.exec(attribute.value)?.[1] : undefined
  return identifier ? { image, identifier } : undefined
}

/** A table caption's text and id, when `paragraph` is one (`Table: Incidents by year {#tbl-incidents}`). */
function captionOf(paragraph: Paragraph): { children: PhrasingContent[]; identifier?: string } | undefined {
  const { children } = paragraph
  const first = children[0]
  if (first?.type !== 'text' || !tableCaption.test(first.value)) return undefined
  first.value = first.value.replace(tableCaption, '')
  const last = children.at(-1)
  let identifier: string | undefined
  if (last?.type === 'text') {
    identifier = idAttribute.exec(last.value)?.[1]
    if (identifier) last.value = last.value.replace(idAttribute, '')
  }
  return { children: children.filter((child) => !(child.type === 'text' && child.value === '')), identifier }
}
