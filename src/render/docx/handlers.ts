import path from 'node:path'
import type { Image, ImageReference, ListItem, Nodes, PhrasingContent, Table as MdastTable } from 'mdast'
import { toString } from 'mdast-util-to-string'
import {
  AlignmentType,
  Bookmark,
  BorderStyle,
  ExternalHyperlink,
  FootnoteReferenceRun,
  HeadingLevel,
  ImageRun,
  InternalHyperlink,
  Paragraph,
  ShadingType,
  SimpleField,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
  type IContext,
  type ITableOptions,
  type IXmlableObject
} from 'docx'
import { problem } from '../../message.js'
import { isItemKind } from '../../plugins/remark-items.js'
import type { FigureCaption, TargetKind } from '../../types.js'
import { cjkRegionalTag, cjkSegments, lineEndingsAsSpaces, safeDecode } from '../../text.js'
import { bookmarkName } from './bookmark.js'
import type { Block, Builders, Context, Inline } from './state.js'
import { bulletReference, orderedReference, twips, twipsOfPoints, type DocxTemplate } from './styles.js'

const source = 'dossier-docx'

/**
 * One builder per mdast node type. Blocks give paragraphs and tables,
 * inlines give runs; nesting goes through `context.blocks` and
 * `context.inlines` with a context copied with one change.
 */
export const builders: Builders = {
  // Deliberately empty: the front matter is the cover, built from
  // `file.data.meta`; definitions are collected before the walk and
  // footnote definitions are built where they are first referenced.
  // Deliberately absent: leaf and container directives, which the directive
  // fallback plugin turns into text or their content before any renderer runs.
  // Raw HTML is left as written only for the web edition: `remarkRawHtml`
  // put what it means in `parsedHtmlFlow` and `parsedHtmlText` nodes.
  yaml: () => [],
  definition: () => [],
  footnoteDefinition: () => [],
  html: () => [],

  parsedHtmlFlow: (node, context) => context.blocks(node.children, context),

  paragraph: (node, context) => [paragraphOf(context.inlines(node.children, context), context)],

  figure(node, context) {
    const [content, caption] = node.children
    const captioned = figureCaption(caption, { ...context, paragraphStyle: content.type === 'table' ? 'TableCaption' : 'Caption', bookmark: node.identifier })
    if (content.type === 'table') return [...captioned, ...table(content, context, toString(caption))]
    const [image] = content.children
    const shown = (image.type === 'image' || image.type === 'imageReference') && context.images.has(imageUrl(image, context))
    // A refused image: its alt text in its place, unless the caption says it already.
    const picture = shown || !node.captionIsAlt ? [paragraphOf(context.inlines(content.children, context), context, 'Figure')] : []
    return [...picture, ...captioned]
  },

  figureCaption,

  heading(node, context) {
    const children = context.inlines(node.children, context)
    const id = node.data?.id
    return [
      new Paragraph({
        heading: headingLevels[Math.min(node.depth, headingLevels.length) - 1],
        children: id ? [new Bookmark({ id: bookmarkName(id), children })] : children,
        ...opensPage(context)
      })
    ]
  },

  blockquote(node, context) {
    return context.blocks(node.children, { ...context, paragraphStyle: 'Quote', continues: undefined })
  },

  list(node, context) {
    const start = node.start ?? 1
    const reference = node.ordered ? orderedReference(start) : bulletReference
    const parent = context.list
    const deepest = context.template.list.ordered.length - 1
    const level = parent ? Math.min(parent.level + 1, deepest) : 0
    // A nested list of the same kind continues its parent's numbering
    // instance one level down, which Word restarts after each parent item;
    // any other list is a new instance, so it starts again.
    const instance = parent && parent.reference === reference && start === 1 ? parent.instance : context.lists.nextInstance()
    const place = { reference, instance, level }
    return node.children.flatMap((item) => listItem(item, { ...context, list: place, continues: undefined }))
  },

  table,

  code(node) {
    const lines = node.value.split('\n')
    return [new Paragraph({ style: 'SourceCode', children: lines.map((line, index) => new TextRun({ text: line, break: index > 0 ? 1 : undefined })) })]
  },

  thematicBreak: () => [new Paragraph({ style: 'HorizontalRule' })],

  text: (node, context) => textRuns(node.value, context),
  strong: (node, context) => context.inlines(node.children, { ...context, strong: true }),
  emphasis: (node, context) => context.inlines(node.children, { ...context, emphasis: true }),
  delete: (node, context) => context.inlines(node.children, { ...context, strike: true }),
  inlineCode: (node, context) => textRuns(node.value, { ...context, runStyle: 'SourceCodeChar' }),
  break: () => [new TextRun({ break: 1 })],
  parsedHtmlText: (node, context) => context.inlines(node.children, context),
  superscript: (node, context) => context.inlines(node.children, { ...context, script: 'superScript' }),
  subscript: (node, context) => context.inlines(node.children, { ...context, script: 'subScript' }),

  link: (node, context) => linkTo(node.url, node.children, context, node.data?.crossReference),

  linkReference(node, context) {
    const definition = context.definitions.get(node.identifier)
    if (definition) return linkTo(definition.url, node.children, context)
    return [...textRuns('[', context), ...context.inlines(node.children, context), ...textRuns(']', context)]
  },

  image: (node, context) => imageRun(node.url, node.alt, node.title, context),

  imageReference(node, context) {
    const definition = context.definitions.get(node.identifier)
    return definition ? imageRun(definition.url, node.alt, definition.title, context) : textRuns(node.alt ?? '', context)
  },

  footnoteReference(node, context) {
    const number = context.footnotes.reference(node.identifier)
    // Word cannot open a note that holds a note reference: inside a note,
    // the cited note's number is set as a plain raised figure.
    if (number !== undefined && context.inFootnote) return [new TextRun({ text: String(number), style: 'FootnoteReference' })]
    if (number !== undefined) return [new FootnoteReferenceRun(number)]
    // remark-gfm makes a reference only where a definition exists.
    return textRuns(`[^${node.label ?? node.identifier}]`, context)
  },

  textDirective(node, context) {
    // An item's lead: its own character style, so editors restyle every lead at once.
    const lead = isItemKind(node.name)
    return context.inlines(node.children, lead ? { ...context, runStyle: 'ItemLead' } : context)
  }
}

/**
 * A caption in its paragraph style. With an id, its label (`Figure 2`) is
 * the bookmark, so that a REF field to it reads “Figure 2”, as Word's own
 * captions do.
 */
function figureCaption(node: FigureCaption, context: Context): Block[] {
  const [label, ...rest] = node.children
  const labelRuns = label ? context.inlines([label], context) : []
  const children = context.bookmark ? [new Bookmark({ id: bookmarkName(context.bookmark), children: labelRuns }), ...context.inlines(rest, context)] : [...labelRuns, ...context.inlines(rest, context)]
  return [new Paragraph({ style: context.paragraphStyle ?? 'Caption', children })]
}

const headingLevels = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6]

/**
 * A paragraph in its place: numbered when it starts a list item, indented
 * as the item it continues, otherwise in the style of where it is. An
 * item's bookmark goes around its first paragraph's content.
 */
function paragraphOf(children: Inline[], context: Context, style?: string, keepNext?: boolean): Paragraph {
  const content = context.bookmark ? [new Bookmark({ id: bookmarkName(context.bookmark), children })] : children
  if (context.numbered) {
    const { reference, instance, level } = context.numbered
    return new Paragraph({ style: 'ListParagraph', numbering: { reference, instance, level }, children: content, keepNext })
  }
  const continued = context.continues === undefined ? undefined : continueStyles[Math.min(context.continues, continueStyles.length - 1)]
  return new Paragraph({ style: style ?? continued ?? context.paragraphStyle, children: content, ...opensPage(context) })
}

/** A paragraph that opens the body starts a page, at its top (Word and LibreOffice keep the space above after a break). */
function opensPage(context: Context) {
  return context.opensPage ? { pageBreakBefore: true, spacing: { before: 0 } } : {}
}

const continueStyles = ['ListContinue', 'ListContinue2', 'ListContinue3']

function listItem(item: ListItem, context: Context): Block[] {
  const place = context.list!
  const first = { ...context, numbered: place, bookmark: item.data?.itemId }
  const rest = { ...context, continues: place.level }
  const { task } = context.template.list
  const checkbox = typeof item.checked === 'boolean' ? textRuns(`${item.checked ? task.done : task.open} `, context) : []
  // An item that opens with raw HTML (`- <p>…</p>`) is numbered on the HTML's first paragraph.
  const [head, ...tail] = item.children.flatMap((child) => (child.type === 'parsedHtmlFlow' ? child.children : [child]))
  if (head?.type !== 'paragraph') {
    return [paragraphOf(checkbox, first), ...context.blocks(item.children, rest)]
  }
  // A bold phrase opening an item is its lead, set as an item's lead is;
  // one standing alone above a list keeps with it.
  const [opening, ...after] = head.children
  const lead = opening?.type === 'strong'
  const runs = lead ? [...context.inlines(opening.children, { ...context, runStyle: 'ItemLead' }), ...context.inlines(after, context)] : context.inlines(head.children, context)
  const standing = lead && after.length === 0 && tail[0]?.type === 'list'
  return [paragraphOf([...checkbox, ...runs], first, undefined, standing || undefined), ...context.blocks(tail, rest)]
}

/**
 * Text as runs, Japanese, Chinese and Korean in runs of their own marked
 * East Asian with their language and its face, so that Word draws Han as
 * that language writes it.
 */
export function textRuns(value: string, context: Context): TextRun[] {
  const style = runStyle(context)
  const { han, faces } = context.eastAsian
  return cjkSegments(lineEndingsAsSpaces(value), han).map(
    ([text, language]) =>
      new TextRun({
        text,
        ...style,
        ...(language && {
          font: { eastAsia: faces[language] ?? context.template.faces.eastAsia, hint: 'eastAsia' },
          language: { eastAsia: cjkRegionalTag[language] }
        })
      })
  )
}

/**
 * The run's character style: the innermost of link, lead and code, else
 * Strong or Emphasis. What the style cannot say (bold inside a link) is
 * the run's own bold or italics, as Word writes it.
 */
function runStyle(context: Context): { style?: string; bold?: boolean; italics?: boolean; strike?: boolean; superScript?: boolean; subScript?: boolean } {
  const style = context.runStyle ?? (context.strong && !context.emphasis ? 'Strong' : context.emphasis && !context.strong ? 'Emphasis' : undefined)
  return {
    style,
    bold: context.strong && style !== 'Strong' ? true : undefined,
    italics: context.emphasis && style !== 'Emphasis' ? true : undefined,
    strike: context.strike || undefined,
    ...(context.script && { [context.script]: true })
  }
}

function linkTo(url: string, children: PhrasingContent[], context: Context, crossReference?: TargetKind): Inline[] {
  const runs = context.inlines(children, { ...context, runStyle: 'Hyperlink' })
  if (url.startsWith('#')) {
    // remarkCrossReferences has warned of an unknown anchor already.
    const anchor = bookmarkName(safeDecode(url.slice(1)))
    // A caption's bookmark holds its label: Word can keep a reference to it up to date.
    const field = crossReference === 'figure' || crossReference === 'table'
    return [new InternalHyperlink({ anchor, children: field ? [new ReferenceField(anchor, runs)] : runs })]
  }
  return [new ExternalHyperlink({ link: url, children: runs })]
}

/**
 * A REF field to a bookmark, showing `runs` (the label dossier wrote, in
 * the link's style) until Word updates it from the bookmark's text.
 */
class ReferenceField extends SimpleField {
  constructor(bookmark: string, runs: Inline[]) {
    super(`REF ${bookmark} \\h`)
    this.root.push(...runs)
  }
}

function imageUrl(node: Image | ImageReference, context: Context): string {
  return node.type === 'image' ? node.url : (context.definitions.get(node.identifier)?.url ?? '')
}

/** Twips in a pixel at Word's 96 pixels to the inch. */
const twipsPerPixel = 15

/** An image's size on the page in pixels: its own, made smaller to fit the text width and the template's tallest figure. */
export function figureSize(image: { width: number; height: number }, textWidth: number, template: DocxTemplate): { width: number; height: number } {
  const maxWidth = textWidth / twipsPerPixel
  const maxHeight = twips(template.image.maxHeight) / twipsPerPixel
  const scale = Math.min(1, maxWidth / image.width, maxHeight / image.height)
  return { width: Math.round(image.width * scale), height: Math.round(image.height * scale) }
}

function imageRun(url: string, alt: string | null | undefined, title: string | null | undefined, context: Context): Inline[] {
  const image = context.images.get(url)
  if (!image) return textRuns(alt ?? '', context)
  const common = {
    transformation: figureSize(image, context.textWidth, context.template),
    altText: { name: path.posix.basename(url), description: alt ?? '', title: title ?? alt ?? '' }
  }
  if (image.type === 'svg') {
    // Word 2016 and later draw the SVG; older Word and other readers show the PNG.
    return [new ImageRun({ type: 'svg', data: image.bytes, fallback: { type: 'png', data: image.fallback }, ...common })]
  }
  return [new ImageRun({ type: image.type === 'jpeg' ? 'jpg' : 'png', data: image.bytes, ...common })]
}

/**
 * A table with explicit column widths (LibreOffice and Google Docs ignore
 * automatic ones), shared out by how much text each column holds, and a
 * header row that repeats on every page.
 */
function table(node: MdastTable, context: Context, title?: string): Block[] {
  const { template } = context
  // As GFM has it: the header row gives the columns; a shorter row gets
  // empty cells, a longer one's extra cells are left out.
  const columns = node.children[0]?.children.length ?? 0
  const widths = columnWidths(node, columns, context.textWidth, template.table.columnChars)
  const border = { style: BorderStyle.SINGLE, size: Math.round(template.table.border * 8), color: template.colors[template.table.borderColor] ?? template.table.borderColor }
  const fill = template.colors[template.table.headerFill] ?? template.table.headerFill
  const margin = twipsOfPoints(template.table.cellMargin)
  const rows = node.children.map(
    (row, rowIndex) =>
      new TableRow({
        tableHeader: rowIndex === 0,
        cantSplit: true,
        children: widths.map((width, column) => {
          const cell = row.children[column]
          return new TableCell({
            width: { size: width, type: WidthType.DXA },
            shading: rowIndex === 0 ? { type: ShadingType.CLEAR, color: 'auto', fill } : undefined,
            children: [
              new Paragraph({
                style: rowIndex === 0 ? 'TableHeading' : 'TableText',
                alignment: cellAlignments[node.align?.[column] ?? 'left'],
                children: cell ? context.inlines(cell.children, context) : []
              })
            ]
          })
        })
      })
  )
  // Its caption, or else its header cells, name it for screen readers and Word's accessibility checker.
  const caption = title || (node.children[0]?.children ?? []).map((cell) => toString(cell).trim()).filter(Boolean).join(', ')
  return [
    new CaptionedTable(caption, {
      rows,
      width: { size: widths.reduce((sum, width) => sum + width, 0), type: WidthType.DXA },
      columnWidths: widths,
      layout: TableLayoutType.FIXED,
      borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
      margins: { top: margin, bottom: margin, left: margin, right: margin }
    })
  ]
}

/**
 * A table with a title for assistive technology (`w:tblCaption`, Word's
 * Table Properties › Alt Text), which docx has no option for: added to the
 * table's properties as they are written.
 */
class CaptionedTable extends Table {
  constructor(
    private readonly caption: string,
    options: ITableOptions
  ) {
    super(options)
  }

  override prepForXml(context: IContext): IXmlableObject | undefined {
    const xml = super.prepForXml(context)
    const children = xml?.['w:tbl']
    const properties = Array.isArray(children) ? (children as IXmlableObject[]).find((child) => 'w:tblPr' in child)?.['w:tblPr'] : undefined
    // `w:tblCaption` comes last in the properties, as the schema orders them.
    if (this.caption && Array.isArray(properties)) properties.push({ 'w:tblCaption': { _attr: { 'w:val': this.caption } } })
    return xml
  }
}

const cellAlignments = {
  left: AlignmentType.LEFT,
  center: AlignmentType.CENTER,
  right: AlignmentType.RIGHT
} as const

/** Share `total` twips between columns by the length of their longest cell, within bounds, summing exactly. */
function columnWidths(node: MdastTable, columns: number, total: number, chars: { min: number; max: number }): number[] {
  const weights = Array.from({ length: columns }, (_, column) => {
    const longest = node.children.reduce((most, row) => Math.max(most, row.children[column] ? toString(row.children[column]).length : 0), 0)
    return Math.min(Math.max(longest, chars.min), chars.max)
  })
  const sum = weights.reduce((a, b) => a + b, 0)
  const widths = weights.map((weight) => Math.floor((total * weight) / sum))
  widths[widths.length - 1] += total - widths.reduce((a, b) => a + b, 0)
  return widths
}
