import type { Definition, FootnoteDefinition, Nodes, PhrasingContent, RootContent } from 'mdast'
import type { Paragraph, ParagraphChild, Table, TableOfContents } from 'docx'
import type { VFile } from 'vfile'
import type { CjkLanguage } from '../../text.js'
import type { ReportImage } from '../../types.js'
import type { DocxTemplate } from './styles.js'

/** An image as the Word edition shows it: an SVG comes with the PNG that stands in for it where Word cannot draw SVG. */
export type DocxImage = (ReportImage & { type: 'png' | 'jpeg' }) | (ReportImage & { type: 'svg'; fallback: Uint8Array })

/** What a block builder gives: paragraphs and tables, in order. */
export type Block = Paragraph | Table | TableOfContents

/** What an inline builder gives: runs, links, bookmarks, footnote references. */
export type Inline = ParagraphChild

/**
 * Node types built as blocks; list items and table rows and cells are built
 * by their parents. Leaf and container directives are left out: the
 * directive fallback plugin turns each into text or its content first.
 */
export type BlockNode = Exclude<RootContent, PhrasingContent | { type: 'listItem' | 'tableRow' | 'tableCell' | 'leafDirective' | 'containerDirective' }>

export type InlineNode = PhrasingContent

/**
 * The builder table's shape: one builder per node type, each given its
 * exact node type. Blocks give paragraphs and tables, inlines give runs.
 */
export type Builders = {
  [Type in BlockNode['type']]: (node: Extract<BlockNode, { type: Type }>, context: Context) => Block[]
} & {
  [Type in InlineNode['type']]: (node: Extract<InlineNode, { type: Type }>, context: Context) => Inline[]
}

/** Footnotes numbered in the order they are first referenced, built once each. */
export interface FootnoteRegistry {
  /** The footnote's number, building it on its first reference; undefined when it has no definition. */
  reference(identifier: string): number | undefined
  /** The footnotes, by number, as `new Document({ footnotes })` takes them. */
  readonly notes: Record<number, { children: Paragraph[] }>
}

/** Each list is its own instance of a numbering definition, so it restarts. */
export interface ListRegistry {
  nextInstance(): number
}

/** Where a paragraph sits in a list. */
export interface ListPlace {
  reference: string
  instance: number
  level: number
}

/** How CJK text is marked: the language Han alone is read in, and each language's East Asian face. */
export interface EastAsian {
  han: CjkLanguage
  faces: Partial<Record<CjkLanguage, string>>
}

/**
 * Shared, for the whole walk. The registries are filled as the walk goes;
 * everything else is read only.
 */
export interface State {
  readonly file: VFile
  readonly template: DocxTemplate
  readonly eastAsian: EastAsian
  readonly definitions: ReadonlyMap<string, Definition>
  readonly footnoteDefinitions: ReadonlyMap<string, FootnoteDefinition>
  /** Images read in the pre-pass, by URL as written. */
  readonly images: ReadonlyMap<string, DocxImage>
  readonly footnotes: FootnoteRegistry
  readonly lists: ListRegistry
  /** Width of the text on the page, in twips. */
  readonly textWidth: number
  readonly blocks: (nodes: readonly Nodes[], context: Context) => Block[]
  readonly inlines: (nodes: readonly Nodes[], context: Context) => Inline[]
}

/**
 * What a builder knows about where it is. Copied with one change for
 * nesting (`{ ...context, strong: true }`), never changed in place.
 */
export interface Context extends State {
  /** Paragraph style of paragraphs here (Quote in a block quote, footnote text in a footnote). */
  readonly paragraphStyle?: string
  /** The list being built. */
  readonly list?: ListPlace
  /** The list the next paragraph is numbered in, when it is the first of its item. */
  readonly numbered?: ListPlace
  /** Level of the list item a paragraph continues, for List Continue styles. */
  readonly continues?: number
  /** Bookmark to put around the next paragraph's content (an item's id). */
  readonly bookmark?: string
  /** The paragraph built here opens the body: it starts a page, without the space above it. */
  readonly opensPage?: boolean
  /** Character style of runs here: Hyperlink, Item Lead, Source Code Char. */
  readonly runStyle?: string
  readonly strong?: boolean
  readonly emphasis?: boolean
  readonly strike?: boolean
  /** Raised or lowered, from raw HTML's `<sup>` and `<sub>`. */
  readonly script?: 'superScript' | 'subScript'
  /** Building a footnote's text. */
  readonly inFootnote?: boolean
}
