import type { Definition, FootnoteDefinition, Nodes, Parents, PhrasingContent, Root, RootContent, Table } from 'mdast'
import { toString } from 'mdast-util-to-string'
import type { Content, ContentText, TableCell } from 'pdfmake/interfaces.js'
import { visit } from 'unist-util-visit'
import { isItemKind } from '../../plugins/remark-items.js'
import { lineEndingsAsSpaces, safeDecode } from '../../text.js'
import type { Coverage, Fallbacks } from './coverage.js'
import { wrap } from './paginate.js'
import { elementAfter, elementMaker, languageSpans, structParts, tagRuns, type ElementMaker, type StructElement, type StructPath, type StructRole } from './structure.js'
import type { PageGeometry, PdfTemplate } from './template.js'
import { textRuns } from './text-runs.js'

/** Room a list level takes from the measure, generously: what a lead's lines are reckoned in. */
const leadIndent = 24

/** Inline content: pieces of one paragraph. */
export type Inline = ContentText

/** How a figure is given to pdfmake: a raster image by its name in the definition's `images`, an SVG as its markup. */
export type PdfFigure = { image: string } | { svg: string; text: string }

/** What the caller found before the walk: fonts per character and readable images. */
export interface Prepared {
  template: PdfTemplate
  geometry: PageGeometry
  /** From `checkCoverage`: per main family, the faces that set the characters it lacks. */
  fontFor: Coverage['fontFor']
  /** Image URL as written → its figure. Missing: refused, its alt text stands in. */
  images: ReadonlyMap<string, PdfFigure>
  /** How wide text is in the body face, bold, at the body size: for the lines an item's lead takes. */
  leadWidth(text: string): number
  /** The report's language: text in another is tagged with its own. */
  language: string
}

/**
 * Read-only context, copied with one change for nesting
 * (`{...context, bold: true}`): what inline text inherits.
 */
export interface Context {
  family: string
  bold?: boolean
  italics?: boolean
  strike?: boolean
  /** Raised or lowered, from raw HTML's `<sup>` and `<sub>`. */
  script?: 'sup' | 'sub'
  /** Style of the block being set (`paragraph`, `listItem`, `footnote`). */
  style?: string
  /** Style of the run being set (`inlineCode`). */
  inlineStyle?: string
  link?: string
  destination?: string
  /** How many ordered lists enclose this node. */
  orderedDepth: number
  /** The structure elements that enclose this node, for the tagged PDF (`structure.ts`). */
  path: StructPath
}

export interface State extends Prepared {
  definitions: Map<string, Definition>
  footnoteDefinitions: Map<string, FootnoteDefinition>
  /** Footnote identifiers in the order first cited; a note's number is its index + 1. */
  footnoteOrder: string[]
  /** The tables set, in order: a table's content carries its index here as `sourceTable`. */
  tables: Table[]
  /** Heading ids by depth, for nesting the PDF outline. */
  headingIds: string[]
  /** Makes the body's structure elements, in reading order. */
  element: ElementMaker
  /** Where each footnote (by number − 1) is first cited: the path of the element citing it. */
  noteCitations: StructPath[]
  blocks(parent: Parents, context: Context): Content[]
  inlines(parent: Parents, context: Context): Inline[]
}

type BlockHandler<T> = (node: T, state: State, context: Context) => Content[]
type InlineHandler<T> = (node: T, state: State, context: Context) => Inline[]
type BlockHandlers = { [K in RootContent['type']]?: BlockHandler<Extract<RootContent, { type: K }>> }
type InlineHandlers = { [K in RootContent['type']]?: InlineHandler<Extract<RootContent, { type: K }>> }

/** The destination name of footnote `number`'s text, which its mark links to. */
export function footnoteDestination(number: number): string {
  return `dossier-footnote-${number}`
}

/**
 * Node types deliberately left out of print: front matter (the cover is
 * built from `file.data.meta`), raw HTML as written (`remarkRawHtml` put
 * what it means in `parsedHtmlFlow` and `parsedHtmlText` nodes), and
 * definitions (used where referenced). Leaf and container directives have
 * no handler: the directive fallback plugin turns every one into text or
 * its content before any renderer runs; were one to get through, the
 * fallbacks in `oneBlock` and `oneInline` would keep its words.
 */
const ignored = new Set(['yaml', 'html', 'definition', 'footnoteDefinition'])

const blockHandlers: BlockHandlers = {
  heading(node, state, context) {
    // An empty heading (`#` alone) sets no line, so it can carry neither a
    // bookmark nor a contents entry: pdfmake fails on one that tries.
    const outlineText = toString(node)
    const id = outlineText.trim() ? node.data?.id : undefined
    state.headingIds.length = node.depth - 1
    const parentId = state.headingIds.filter(Boolean).at(-1)
    if (id) state.headingIds[node.depth - 1] = id
    // The title is the first heading (`H1`), as on the web page: sections are `H2`.
    const path = [...context.path, state.element(`H${Math.min(node.depth + 1, 6)}` as StructRole)]
    const heading = {
      text: tagRuns(state.inlines(node, { ...context, family: state.template.fonts.display, path }), path),
      style: `h${node.depth}`,
      id,
      outline: Boolean(id),
      outlineText,
      outlineParentId: parentId,
      // A chapter on a new page starts at the page's top, without the space above it.
      ...(node.depth === 1 && state.template.page.chapterBreak ? { pageBreak: 'before' as const, marginTop: 0 } : {})
    }
    return [heading as Content]
  },
  paragraph(node, state, context) {
    const image = (child: PhrasingContent) => child.type === 'image' || child.type === 'imageReference'
    if (node.children.length > 0 && node.children.every((child) => image(child) || (child.type === 'text' && !child.value.trim()))) {
      return node.children.flatMap((child) => {
        if (child.type === 'image') return imageBlock(child.url, child.alt ?? '', state, context.path)
        if (child.type === 'imageReference') return imageBlock(state.definitions.get(child.identifier)?.url ?? '', child.alt ?? '', state, context.path)
        return []
      })
    }
    const path = [...context.path, state.element('P')]
    return [{ text: tagRuns(state.inlines(node, { ...context, path }), path), style: context.style ?? 'paragraph' }]
  },
  blockquote(node, state, context) {
    const { colors, rules } = state.template
    return [
      {
        table: { widths: ['*'], body: [[{ stack: state.blocks(node, { ...context, style: 'paragraph', path: [...context.path, state.element('BlockQuote')] }), style: 'quote' }]] },
        layout: {
          hLineWidth: () => 0,
          vLineWidth: (index: number) => (index === 0 ? rules.quote : 0),
          vLineColor: () => colors.quoteRule,
          paddingLeft: () => state.template.padding.quote,
          paddingTop: () => 0,
          paddingBottom: () => 0
        },
        style: 'paragraph'
      }
    ]
  },
  code(node, state, context) {
    const code = { text: node.value, tag: [...context.path, state.element('Code')] }
    return [
      {
        table: { widths: ['*'], body: [[{ text: [code], style: 'codeBlock', font: state.template.fonts.code, preserveLeadingSpaces: true }]] },
        layout: {
          hLineWidth: () => 0,
          vLineWidth: () => 0,
          fillColor: () => state.template.colors.codeBackground,
          paddingLeft: () => state.template.padding.code,
          paddingRight: () => state.template.padding.code,
          paddingTop: () => state.template.padding.codeVertical,
          paddingBottom: () => state.template.padding.codeVertical
        },
        style: 'paragraph'
      }
    ]
  },
  list(node, state, context) {
    const inner = node.ordered ? { ...context, orderedDepth: context.orderedDepth + 1 } : context
    const list = [...context.path, state.element('L')]
    const items = node.children.map((item) => {
      const entry = [...list, state.element('LI')]
      // pdfmake draws the label (`markerTag`, see tagged-render.ts); a bullet is drawn, so it says what it is.
      const label = state.element('Lbl', node.ordered ? {} : { actual: '•' })
      return { stack: blockHandlers.listItem!(item, state, { ...inner, path: [...entry, state.element('LBody')] }), markerTag: [...entry, label] }
    })
    if (!node.ordered) return [{ ul: items, style: 'list' }]
    const { numbering } = state.template.list
    return [{ ol: items, type: numbering[context.orderedDepth % numbering.length], start: node.start ?? 1, style: 'list' }]
  },
  listItem(node, state, context) {
    const blocks = state.blocks(node, { ...context, style: 'listItem' })
    const first = blocks[0]
    // The item's anchor goes on its first line, which is where a link to it should land.
    if (node.data?.itemId && first && typeof first === 'object' && 'text' in first) Object.assign(first, { id: node.data.itemId })
    // A run-in lead (an item's, or a bold phrase) must not end a page: the
    // page planner keeps its lines with a line of what follows, and a lead
    // that stands alone above a list with the list.
    const [paragraph, next] = node.children
    const lead = paragraph?.type === 'paragraph' ? paragraph.children[0] : undefined
    if (paragraph?.type === 'paragraph' && first && typeof first === 'object' && lead && (lead.type === 'strong' || (lead.type === 'textDirective' && isItemKind(lead.name)))) {
      if (paragraph.children.length === 1 && next?.type === 'list') Object.assign(first, { keepWithNext: true })
      else Object.assign(first, { leadLines: wrap(toString(lead), state.geometry.textWidth - leadIndent * context.orderedDepth, state.leadWidth).length })
    }
    return blocks
  },
  table(node, state, context) {
    // As GFM has it: the header row gives the columns; a shorter row is
    // padded with empty cells, a longer one's extra cells are left out.
    const columns = tableColumns(node)
    const table = [...context.path, state.element('Table')]
    const body: TableCell[][] = node.children.map((row, rowIndex) => {
      const tableRow = [...table, state.element('TR')]
      return Array.from({ length: columns }, (_, cellIndex) => {
        const cell = row.children[cellIndex]
        const path = cell && [...tableRow, state.element(rowIndex === 0 ? 'TH' : 'TD', rowIndex === 0 ? { scope: 'Column' } : {})]
        return {
          text: cell && path ? tagRuns(state.inlines(cell, { ...context, family: state.template.fonts.display, bold: rowIndex === 0 || context.bold, path }), path) : '',
          style: rowIndex === 0 ? 'tableHeader' : 'tableCell',
          alignment: node.align?.[cellIndex] ?? 'left'
        }
      })
    })
    const { colors, rules } = state.template
    return [
      {
        table: { headerRows: 1, dontBreakRows: true, widths: body[0]?.map(() => '*') ?? [], body },
        sourceTable: state.tables.push(node) - 1,
        layout: {
          hLineWidth: (index: number) => (index <= 1 || index === body.length ? rules.tableFrame : rules.table),
          vLineWidth: () => 0,
          hLineColor: () => colors.tableRule,
          fillColor: (row: number) => (row === 0 ? colors.tableHeader : null)
        },
        style: 'paragraph'
      }
    ]
  },
  parsedHtmlFlow(node, state, context) {
    return state.blocks(node, context)
  },
  figure(node, state, context) {
    const [content, caption] = node.children
    // The caption carries the destination: pdfmake names lines, not images.
    // Tagged, it is a `Caption`, made here in reading order: a table's before the table, a figure's after it.
    const captionBlock = () => {
      const path = [...context.path, state.element('Caption')]
      return {
        text: tagRuns(state.inlines(caption, { ...context, family: state.template.fonts.display, path }), path),
        style: node.kind === 'table' ? 'tableCaption' : 'caption',
        alignment: 'center' as const,
        ...(node.identifier ? { id: node.identifier } : {})
      }
    }
    // A table's caption is kept with the table's first rows, a figure with its caption (the page planner's `keepWithNext`).
    if (content.type === 'table') return [{ ...captionBlock(), keepWithNext: true }, ...state.blocks({ type: 'root', children: [content] }, context)]
    const image = content.children[0]
    const url = image.type === 'image' ? image.url : image.type === 'imageReference' ? (state.definitions.get(image.identifier)?.url ?? '') : ''
    // A `Figure` says what it shows: its alt text, or without one its caption's words.
    const alt = ((image.type === 'image' || image.type === 'imageReference') && image.alt) || toString(caption)
    const shown = imageOf(url, state, [...context.path, state.element('Figure', { alt })])
    // A refused image: its alt text in its place, unless the caption says it already.
    const standInPath = [...context.path, state.element('P')]
    const standIn = shown ?? (node.captionIsAlt ? undefined : ({ text: tagRuns(state.inlines(content, { ...context, italics: true, path: standInPath }), standInPath), style: 'caption', alignment: 'center' } as Content))
    if (!standIn) return [captionBlock()]
    Object.assign(standIn, { keepWithNext: true })
    return [standIn, captionBlock()]
  },

  thematicBreak(_node, state) {
    return [{ canvas: [{ type: 'line', x1: 0, y1: 0, x2: state.geometry.textWidth, y2: 0, lineWidth: state.template.rules.thematic, lineColor: state.template.colors.rule }], style: 'paragraph' }]
  }
}

const inlineHandlers: InlineHandlers = {
  text(node, state, context) {
    // A line ending inside a paragraph is a space (hard breaks are `break` nodes).
    const runs = textRuns(lineEndingsAsSpaces(node.value), context.family, state.fontFor[context.family]).map((run) => styled(run, context))
    const han = state.fontFor[context.family]?.han
    return han ? languageSpans(runs, context.path, state.language, han, state.element) : tagRuns(runs, context.path)
  },
  emphasis(node, state, context) {
    return state.inlines(node, { ...context, italics: true })
  },
  strong(node, state, context) {
    return state.inlines(node, { ...context, bold: true })
  },
  delete(node, state, context) {
    return state.inlines(node, { ...context, strike: true })
  },
  inlineCode(node, state, context) {
    const family = state.template.fonts.code
    const path = [...context.path, state.element('Code')]
    return tagRuns(textRuns(node.value, family, state.fontFor[family]).map((run) => styled({ ...run, font: run.font ?? family }, { ...context, inlineStyle: 'inlineCode' })), path)
  },
  break(_node, _state, context) {
    return [{ text: '\n', tag: context.path }]
  },
  link(node, state, context) {
    return state.inlines(node, linkContext(node.url, { ...context, path: [...context.path, state.element('Link', { contents: toString(node) })] }))
  },
  linkReference(node, state, context) {
    const definition = state.definitions.get(node.identifier)
    if (!definition) return state.inlines(node, context)
    return state.inlines(node, linkContext(definition.url, { ...context, path: [...context.path, state.element('Link', { contents: toString(node) })] }))
  },
  image(node, state, context) {
    // pdfmake sets images as blocks only; inside a line the alternative text stands in.
    return inlineHandlers.text!({ type: 'text', value: node.alt ?? '' }, state, { ...context, italics: true })
  },
  imageReference(node, state, context) {
    return inlineHandlers.text!({ type: 'text', value: node.alt ?? '' }, state, { ...context, italics: true })
  },
  footnoteReference(node, state, context) {
    let index = state.footnoteOrder.indexOf(node.identifier)
    if (index < 0) index = state.footnoteOrder.push(node.identifier) - 1
    state.noteCitations[index] ??= context.path
    const link = state.element('Link', { contents: `${state.template.labels.footnote} ${index + 1}` })
    return [{ text: String(index + 1), sup: true, style: 'footnoteMark', linkToDestination: footnoteDestination(index + 1), font: context.family, tag: [...context.path, link] }]
  },
  parsedHtmlText(node, state, context) {
    return state.inlines(node, context)
  },
  superscript(node, state, context) {
    return state.inlines(node, { ...context, script: 'sup' })
  },
  subscript(node, state, context) {
    return state.inlines(node, { ...context, script: 'sub' })
  },
  textDirective(node, state, context) {
    // An item's lead (`:finding[Lead]{#id}`) is bold, as in the original.
    return state.inlines(node, isItemKind(node.name) ? { ...context, bold: true } : context)
  }
}

/** A table's columns: as many as its header row has cells. */
export function tableColumns(node: Table): number {
  return node.children[0]?.children.length ?? 0
}

function styled(run: Inline, context: Context): Inline {
  const result: Inline = { ...run }
  if (context.bold) result.bold = true
  if (context.italics) result.italics = true
  if (context.strike) result.decoration = 'lineThrough'
  if (context.script) result[context.script] = true
  if (context.inlineStyle) result.style = context.inlineStyle
  if (context.link) Object.assign(result, { link: context.link, style: 'link' })
  if (context.destination) Object.assign(result, { linkToDestination: context.destination, style: 'link' })
  return result
}

function linkContext(url: string, context: Context): Context {
  // `#id` jumps inside the document; anything else is an external link, never fetched.
  return url.startsWith('#') ? { ...context, destination: safeDecode(url.slice(1)) } : { ...context, link: url }
}

/**
 * An image of a paragraph of several, with its alt text below it (one alone
 * is a figure). Tagged, the image is a `Figure` with its alt text and the
 * text below it a `Caption`; an image without alt text is taken as
 * decoration (an artifact), and the alt text of one that cannot be shown
 * is a paragraph.
 */
function imageBlock(url: string, alt: string, state: State, path: StructPath): Content[] {
  // Captions are set in the display face, with its fallbacks, like headings.
  const family = state.template.fonts.display
  const image = imageOf(url, state, alt ? [...path, state.element('Figure', { alt })] : undefined)
  const caption = { text: tagRuns(textRuns(alt, family, state.fontFor[family]), [...path, state.element(image ? 'Caption' : 'P')]), style: 'caption', alignment: 'center' as const }
  if (!image) return alt ? [caption] : []
  return alt ? [image, caption] : [image]
}

/** The image read for `url`, scaled to fit the text block; undefined when it was refused. */
function imageOf(url: string, state: State, tag: StructPath | undefined): Content | undefined {
  const { geometry, template } = state
  const figure = state.images.get(url)
  if (!figure) return undefined
  // An SVG's text is set in one face: the display face, as captions are, or
  // the fallback its words need (Hangul, kana, Han), which has Latin too.
  return {
    ...('svg' in figure ? { svg: figure.svg, font: svgFace(figure.text, template.fonts.display, state.fontFor[template.fonts.display]) } : figure),
    fit: [geometry.textWidth, geometry.textHeight * template.image.maxHeightRatio] as [number, number],
    alignment: 'center' as const,
    ...(tag ? { tag } : {})
  } as Content
}

/** The face for an SVG's words: `family`, or the first fallback a character of them needs. */
function svgFace(words: string, family: string, fallbacks: Fallbacks | undefined): string {
  return textRuns(words, family, fallbacks).find((run) => run.font)?.font ?? family
}

function createState(tree: Root, prepared: Prepared): State {
  const definitions = new Map<string, Definition>()
  const footnoteDefinitions = new Map<string, FootnoteDefinition>()
  // Definitions are collected before the walk, so references may come first.
  // The first definition of an identifier wins, as in CommonMark and the other editions.
  visit(tree, (node) => {
    if (node.type === 'definition' && !definitions.has(node.identifier)) definitions.set(node.identifier, node)
    if (node.type === 'footnoteDefinition' && !footnoteDefinitions.has(node.identifier)) footnoteDefinitions.set(node.identifier, node)
  })
  const state: State = {
    ...prepared,
    definitions,
    footnoteDefinitions,
    footnoteOrder: [],
    tables: [],
    headingIds: [],
    element: elementMaker(structParts.body),
    noteCitations: [],
    blocks(parent, context) {
      return ('children' in parent ? (parent.children as RootContent[]) : []).flatMap((child) => oneBlock(child, state, context))
    },
    inlines(parent, context) {
      return ('children' in parent ? (parent.children as RootContent[]) : []).flatMap((child) => oneInline(child, state, context))
    }
  }
  return state
}

function oneBlock(node: RootContent, state: State, context: Context): Content[] {
  if (ignored.has(node.type)) return []
  const handler = blockHandlers[node.type] as BlockHandler<RootContent> | undefined
  if (handler) return handler(node, state, context)
  // Unknown or inline content where a block is expected: set it as a paragraph.
  const path = [...context.path, state.element('P')]
  return [{ text: tagRuns(oneInline(node, state, { ...context, path }), path), style: context.style ?? 'paragraph' }]
}

function oneInline(node: RootContent, state: State, context: Context): Inline[] {
  if (ignored.has(node.type)) return []
  const handler = inlineHandlers[node.type] as InlineHandler<RootContent> | undefined
  if (handler) return handler(node, state, context)
  // Unknown nodes: their text, rather than nothing.
  return 'children' in node ? state.inlines(node, context) : 'value' in node ? inlineHandlers.text!({ type: 'text', value: node.value }, state, context) : []
}

/** Elements a note may stand in, beside the block that cites it. */
const noteHolders = new Set<StructRole>(['LBody', 'BlockQuote', 'Note'])

/**
 * Where a footnote stands in the structure: a `Note` read right after the
 * block that cites it (the paragraph, or the whole table), beside it.
 */
function notePath(cited: StructPath | undefined, number: number): StructPath {
  const path = cited ?? []
  let holder = path.length - 2
  while (holder >= 0 && !noteHolders.has(path[holder].role)) holder--
  const block: StructElement | undefined = path[holder + 1]
  const note = block ? elementAfter(block, number, 'Note', { id: footnoteDestination(number) }) : { key: [structParts.body, Number.MAX_SAFE_INTEGER, number], role: 'Note' as const, id: footnoteDestination(number) }
  return [...path.slice(0, holder + 1), note]
}

/** The report body and its footnotes, as pdfmake content. */
export interface Converted {
  content: Content[]
  /** Footnote texts by number (1-based), each with its destination on its first line. */
  notes: Content[][]
  /** Footnote identifiers by number − 1. */
  noteIds: string[]
  /** The tables, by the `sourceTable` index their content carries. */
  tables: Table[]
}

/**
 * Convert the tree to pdfmake content. Pure: fonts, images and the template
 * come in `prepared`; nothing is read or printed here.
 */
export function toPdfmake(tree: Root, prepared: Prepared): Converted {
  const state = createState(tree, prepared)
  const context: Context = { family: prepared.template.fonts.text, orderedDepth: 0, path: [] }
  const content = state.blocks(tree, context)
  const notes: Content[][] = []
  // Notes may cite notes: the order list grows while it is walked.
  for (let index = 0; index < state.footnoteOrder.length; index++) {
    const definition = state.footnoteDefinitions.get(state.footnoteOrder[index])
    const path = notePath(state.noteCitations[index], index + 1)
    const blocks = definition ? state.blocks(definition, { ...context, style: 'footnote', path }) : []
    const mark: Inline = { text: `${index + 1}${prepared.template.footnotes.afterMark}`, bold: true, font: context.family }
    const first = blocks[0]
    if (first && typeof first === 'object' && 'text' in first && Array.isArray(first.text)) {
      // The number is read as the start of the note's first paragraph.
      Object.assign(first, { text: [...tagRuns([mark], (first.text[0] as { tag?: StructPath })?.tag ?? path), ...first.text], id: footnoteDestination(index + 1) })
    } else {
      blocks.unshift({ text: tagRuns([mark], [...path, state.element('P')]), style: 'footnote', id: footnoteDestination(index + 1) } as Content)
    }
    notes.push(blocks)
  }
  return { content, notes, noteIds: state.footnoteOrder, tables: state.tables }
}
