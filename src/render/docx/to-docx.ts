import type { Definition, FootnoteDefinition, Nodes, Root } from 'mdast'
import {
  Document,
  ExternalHyperlink,
  Footer,
  Header,
  PageBreak,
  PageNumber,
  Paragraph,
  SimpleField,
  Tab,
  TabStopType,
  TableOfContents,
  TextRun,
  type FileChild,
  type ISectionOptions,
  type PageNumberEstimator
} from 'docx'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { authorCredits, displayDate } from '../../format.js'
import { problem } from '../../message.js'
import type { ReportMeta } from '../../types.js'
import { builders, textRuns } from './handlers.js'
import type { Block, Context, DocxImage, EastAsian, FootnoteRegistry, Inline, InlineNode } from './state.js'
import { numberingFromTemplate, stylesFromTemplate, textWidthOf, twips, type DocxTemplate } from './styles.js'

/** A font to embed: a family's faces as file bytes. */
export interface EmbeddedFont {
  name: string
  data: Buffer
  bold?: Buffer
  italic?: Buffer
  boldItalic?: Buffer
}

export interface ToDocxOptions {
  template: DocxTemplate
  /** How CJK runs are marked. */
  eastAsian: EastAsian
  /** Images read in the pre-pass, by URL; SVGs with their PNG fallbacks. */
  images: ReadonlyMap<string, DocxImage>
  /** Fonts to embed, read by the caller. */
  fonts: EmbeddedFont[]
  /** Works out the page numbers of the table of contents; `estimatePageNumbers` from `docx/layout`. */
  pageNumbers?: PageNumberEstimator
}

const source = 'dossier-docx'

/**
 * The report as a docx `Document`: a cover from the front matter, a table
 * of contents, the body built by the builder table, footnotes, headers and
 * footers, all in the named styles of the template. Pure: images and fonts
 * come in read, and packing is the caller's.
 */
export function toDocx(tree: Root, file: VFile, options: ToDocxOptions): Document {
  const { template } = options
  const meta = file.data.meta!
  const definitions = new Map<string, Definition>()
  const footnoteDefinitions = new Map<string, FootnoteDefinition>()
  const starts = new Set<number>()
  visit(tree, (node) => {
    if (node.type === 'definition' && !definitions.has(node.identifier)) definitions.set(node.identifier, node)
    if (node.type === 'footnoteDefinition' && !footnoteDefinitions.has(node.identifier)) footnoteDefinitions.set(node.identifier, node)
    if (node.type === 'list' && node.ordered) starts.add(node.start ?? 1)
  })

  const { page } = template
  const textWidth = textWidthOf(template)
  let instances = 0
  // The footnote registry builds notes in a context of their own, made
  // from the walk's context once it exists.
  let footnoteContext: Context | undefined
  const context: Context = {
    file,
    template,
    eastAsian: options.eastAsian,
    definitions,
    footnoteDefinitions,
    images: options.images,
    footnotes: createFootnotes(() => footnoteContext!),
    lists: { nextInstance: () => ++instances },
    textWidth,
    blocks,
    inlines
  }
  footnoteContext = { ...context, paragraphStyle: 'FootnoteText', inFootnote: true }

  // The body starts on a page of its own: its first heading or paragraph
  // opens the page (sections run on, so no style breaks the page for it).
  const opening = tree.children.findIndex((node) => node.type !== 'yaml' && node.type !== 'definition' && node.type !== 'footnoteDefinition')
  const first = tree.children[opening]
  const body =
    first?.type === 'heading' || first?.type === 'paragraph'
      ? [...blocks(tree.children.slice(0, opening + 1), { ...context, opensPage: true }), ...blocks(tree.children.slice(opening + 1), context)]
      : [new Paragraph({ children: [new PageBreak()] }), ...blocks(tree.children, context)]
  const section: ISectionOptions = {
    properties: {
      titlePage: true,
      page: {
        size: { width: twips(page.width), height: twips(page.height) },
        margin: {
          top: twips(page.margin.top),
          right: twips(page.margin.right),
          bottom: twips(page.margin.bottom),
          left: twips(page.margin.left),
          header: twips(page.margin.header),
          footer: twips(page.margin.footer)
        }
      }
    },
    headers: {
      // The cover has neither running head nor page number.
      first: new Header({ children: [new Paragraph({ style: 'Header' })] }),
      // The short title, and at the right margin the chapter in force: Word's STYLEREF field.
      default: new Header({
        children: [
          new Paragraph({
            style: 'Header',
            tabStops: [{ type: TabStopType.RIGHT, position: textWidth }],
            children: [...textRuns(meta.shortTitle, context), new TextRun({ children: [new Tab()] }), new SimpleField('STYLEREF "heading 1"')]
          })
        ]
      })
    },
    footers: {
      first: new Footer({ children: [new Paragraph({ style: 'Footer' })] }),
      default: new Footer({ children: [new Paragraph({ style: 'Footer', children: [new TextRun({ children: [PageNumber.CURRENT] })] })] })
    },
    children: [...cover(meta, context), ...contents(template), ...body] as FileChild[]
  }

  return new Document({
    title: meta.title,
    subject: meta.subtitle,
    ...(meta.description || meta.abstract ? { description: meta.description ?? meta.abstract } : {}),
    creator: meta.authors.join('; '),
    keywords: meta.keywords.join(', '),
    lastModifiedBy: meta.authors.join('; '),
    styles: stylesFromTemplate(template, meta.language),
    numbering: numberingFromTemplate(template, [...starts]),
    footnotes: context.footnotes.notes,
    fonts: options.fonts,
    pageNumbers: options.pageNumbers,
    sections: [section]
  })
}

// The table looked up by a node's type. Each builder takes exactly the node
// its key names, which TypeScript cannot follow through an index by a
// union, so the lookup is typed by what it gives.
const blockBuilders = builders as unknown as Partial<Record<string, (node: Nodes, context: Context) => Block[]>>
const inlineBuilders = builders as unknown as Partial<Record<string, (node: Nodes, context: Context) => Inline[]>>

/** Build block nodes through the table; a stray inline gets a paragraph of its own. */
function blocks(nodes: readonly Nodes[], context: Context): Block[] {
  const result: Block[] = []
  for (const node of nodes) {
    if (isInline(node)) {
      const runs = inlines([node], context)
      if (runs.length > 0) result.push(new Paragraph({ style: context.paragraphStyle, children: runs }))
      continue
    }
    const build = blockBuilders[node.type]
    if (build) for (const built of build(node, context)) result.push(built)
    else unknown(node, context)
  }
  return result
}

function inlines(nodes: readonly Nodes[], context: Context): Inline[] {
  const result: Inline[] = []
  for (const node of nodes) {
    const build = isInline(node) ? inlineBuilders[node.type] : undefined
    if (build) for (const built of build(node, context)) result.push(built)
    else unknown(node, context)
  }
  return result
}

const inlineTypes = new Set<string>([
  'text', 'strong', 'emphasis', 'delete', 'inlineCode', 'break', 'html', 'link', 'linkReference', 'image', 'imageReference', 'footnoteReference', 'textDirective',
  'parsedHtmlText', 'superscript', 'subscript'
] satisfies Array<InlineNode['type']>)

function isInline(node: Nodes): node is InlineNode {
  return inlineTypes.has(node.type)
}

/** A node no builder knows: say so, and keep its words. */
function unknown(node: Nodes, context: Context): void {
  problem(context.file, `Unexpected \`${node.type}\` node in the Word edition, expected one of ${Object.keys(builders).length} known kinds; its text is dropped`, node, 'docx-node-unknown', { source, fatal: false })
}

/** Footnotes numbered as they are first referenced; each built once, in a footnote's own context. */
function createFootnotes(footnoteContext: () => Context): FootnoteRegistry {
  const numbers = new Map<string, number>()
  const notes: Record<number, { children: Paragraph[] }> = {}
  return {
    notes,
    reference(identifier) {
      const known = numbers.get(identifier)
      if (known !== undefined) return known
      const context = footnoteContext()
      const definition = context.footnoteDefinitions.get(identifier)
      if (!definition) return undefined
      const number = numbers.size + 1
      numbers.set(identifier, number)
      // Word sets the note's number first; a space parts it from the text.
      const [first, ...rest] = definition.children
      const built =
        first?.type === 'paragraph'
          ? [new Paragraph({ style: 'FootnoteText', children: [new TextRun(' '), ...inlines(first.children, context)] }), ...blocks(rest, context)]
          : blocks(definition.children, context)
      const paragraphs = built.filter((block): block is Paragraph => block instanceof Paragraph)
      if (paragraphs.length < built.length) {
        problem(context.file, `Unexpected table in footnote \`[^${definition.label ?? identifier}]\`, expected paragraphs only in the Word edition`, definition, 'docx-footnote-table', { source, fatal: false })
      }
      notes[number] = { children: paragraphs.length > 0 ? paragraphs : [new Paragraph({ style: 'FootnoteText' })] }
      return number
    }
  }
}

/**
 * The cover, as the PDF's: organization, title, subtitle, a rule, the
 * abstract, authors and advisers under their labels, the date; then the
 * imprint page (organization, about, copyright line, address), only with
 * what the front matter gives.
 */
function cover(meta: ReportMeta, context: Context): Block[] {
  const { labels } = context.template
  const paragraph = (style: string, text: string) => new Paragraph({ style, children: textRuns(text, context) })
  const names = (label: string, people: string[]) =>
    people.length > 0 ? [paragraph('CoverLabel', label.toUpperCase()), ...people.map((name) => paragraph('CoverDetail', name))] : []
  const blocks: Block[] = [
    ...(meta.organization ? [paragraph('CoverOrganization', meta.organization.toUpperCase())] : []),
    paragraph('Title', meta.title),
    ...(meta.subtitle ? [paragraph('Subtitle', meta.subtitle)] : []),
    new Paragraph({ style: 'CoverRule' }),
    ...(meta.abstract?.split('\n\n') ?? []).map((text) => paragraph('CoverDetail', text)),
    ...names(labels.authors, authorCredits(meta)),
    ...names(labels.advisers, meta.advisers),
    ...(meta.date ? [paragraph('CoverDate', displayDate(meta.date, meta.language))] : [])
  ]
  const link = (url: string) => [new ExternalHyperlink({ link: url, children: textRuns(url, { ...context, runStyle: 'Hyperlink' }) })]
  const imprint: Array<[style: string, children: Inline[]]> = [
    ...(meta.organization ? [['ImprintOrganization', textRuns(meta.organization, context)] as [string, Inline[]]] : []),
    ...(meta.about ? [['Imprint', textRuns(meta.about, context)] as [string, Inline[]]] : []),
    ...(meta.copyright ? [['Imprint', textRuns(meta.copyright, context)] as [string, Inline[]]] : []),
    ...(meta.url ? [['Imprint', link(meta.url)] as [string, Inline[]]] : [])
  ]
  // The imprint has the cover's back to itself.
  return [...blocks, ...imprint.map(([style, children], index) => new Paragraph({ style, children, pageBreakBefore: index === 0 }))]
}

/**
 * The table of contents: a TOC field whose entries and page numbers are
 * written with the document (docx lays the pages out, with the embedded
 * fonts, to number them), so it reads right before anyone updates fields,
 * and LibreOffice, which never does, shows it as well.
 */
function contents(template: DocxTemplate): Block[] {
  return [
    new Paragraph({ style: 'TOCHeading', children: [new TextRun(template.labels.contents)] }),
    new TableOfContents(template.labels.contents, { hyperlink: true, headingStyleRange: template.toc.levels })
  ]
}
