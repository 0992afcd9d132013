/**
 * The report model: what the remark plugins extract from a source and every
 * renderer reads from `file.data`. One place for these types.
 */
import type { BlockContent, Data, DefinitionContent, Paragraph, Parent, PhrasingContent, Root, RootContent, Table } from 'mdast'
import type { VFile } from 'vfile'
import type { Design } from './design.js'
import type { Labels } from './labels.js'
import type { TemplateLayers } from './templates.js'
// Their augmentations of mdast: directive nodes, and `hName`/`hProperties`.
import type {} from 'mdast-util-directive'
import type {} from 'mdast-util-to-hast'

/** A point in the source, 1-based as vfile messages are. */
export interface Point {
  line: number
  column: number
  offset: number
}

export interface Position {
  start: Point
  end: Point
}

export interface Audience {
  id: string
  name: string
}

export interface Theme {
  id: string
  name: string
}

/** The front matter of a report, validated and with defaults applied. */
export interface ReportMeta {
  /** The front matter's `title`, else what `remarkTitle` infers: the sole leading `#` heading, or the file name. */
  title: string
  subtitle?: string
  /** Running head in print; defaults to the title. */
  shortTitle: string
  organization?: string
  /** The authors' names (`authors` or `author`). */
  authors: string[]
  /** Each author's affiliations by name, for the authors given with any (`{name, affiliation}`). */
  affiliations?: Record<string, string[]>
  advisers: string[]
  /** ISO 8601 year, year-month or date, at the precision written (`December 2015` → `2015-12`). */
  date?: string
  /** BCP 47 language tag (`language` or `lang`); defaults to `en`. */
  language: string
  url?: string
  /** The copyright line as the front matter gives it (`copyright`, or `rights`), printed on the imprint page. */
  copyright?: string
  /** A short note about the organization or the report, printed on the imprint page. */
  about?: string
  /** A sentence or two about the report, for search engines and document properties. */
  description?: string
  abstract?: string
  /** `keywords` and `tags`, each once. */
  keywords: string[]
  audiences: Audience[]
  themes: Theme[]
}

export type ItemKind = 'finding' | 'objective' | 'recommendation'

/** A finding, objective or recommendation marked up in the source. */
export interface ReportItem {
  /** Stable id written in the source; also the anchor in every edition. */
  id: string
  kind: ItemKind
  /** Label computed from the item's position in its lists: `1`, `2.a`. */
  label: string
  audiences: string[]
  themes: string[]
  /** The lead sentence or phrase, set in bold. */
  lead: string
  /** What follows the lead, as plain text and as its Markdown source. */
  body: { text: string; markdown: string }
  /** The top-level section the item sits in. */
  section: { id: string; title: string }
  position: Position
}

/** A heading, for tables of contents and PDF outlines. */
export interface OutlineEntry {
  id: string
  depth: number
  text: string
}

export type FigureKind = 'figure' | 'table'

/** A numbered figure (an image alone in its paragraph) or captioned table. */
export interface ReportFigure {
  /** The id written after it (`{#fig-growth}`), for cross-references; absent when none is. */
  id?: string
  kind: FigureKind
  /** Counted from 1 in the report, figures and tables apart. */
  number: number
  /** `Figure 2`, in the words of the labels template. */
  label: string
  /** The caption's text, without its label: a figure's image title, or its alt text. */
  caption: string
  /** A figure's image, as written. */
  src?: string
  /** The top-level section it sits in. */
  section: { id: string; title: string }
  position: Position
}

/** Everything the pipeline extracts; the contents of `NAME.json`. */
export interface ReportData {
  meta: ReportMeta
  outline: OutlineEntry[]
  findings: ReportItem[]
  objectives: ReportItem[]
  recommendations: ReportItem[]
  figures: ReportFigure[]
  tables: ReportFigure[]
}

/** What a link `[](#id)` with no text of its own says: the target's label. */
export type TargetKind = ItemKind | FigureKind | 'section'

/**
 * A figure or a captioned table, made by `remarkFigures`: its content (the
 * image's paragraph, or the table) and its caption. Renderers set a
 * figure's caption below it and a table's above it.
 */
export interface Figure extends Parent {
  type: 'figure'
  kind: FigureKind
  /** The id written after it, for cross-references. */
  identifier?: string
  /** A figure whose caption is its image's alt text: an image that cannot be shown needs no stand-in but the caption. */
  captionIsAlt?: boolean
  children: [Paragraph | Table, FigureCaption]
}

/**
 * A caption: its label (`Figure 2`) as a `strong` marked `captionLabel`,
 * then the separator and the caption's own text, so every renderer sets
 * it as the phrasing it is.
 */
export interface FigureCaption extends Parent {
  type: 'figureCaption'
  children: PhrasingContent[]
}

/** An image the report shows, read once by `remarkImages` for every edition. */
export interface ReportImage {
  /** The file's bytes; for an SVG, the sanitized drawing as UTF-8 (see `sanitizeSvg`). */
  bytes: Uint8Array
  type: 'png' | 'jpeg' | 'svg'
  /** Pixels, from the file's header; for an SVG, CSS pixels from its width, height or viewBox. */
  width: number
  height: number
  /** For an SVG, the words it sets (its `<text>` elements). */
  text?: string
}

/** An image `remarkImages` refused, with a warning; every edition shows its alt text instead. */
export interface RefusedImage {
  refused: 'image-remote' | 'image-outside' | 'image-unreadable' | 'image-format' | 'limit-image'
}

declare module 'vfile' {
  interface DataMap {
    meta: ReportMeta
    outline: OutlineEntry[]
    items: ReportItem[]
    /** Every image by its URL as written (an image reference's: its definition's). */
    images: ReadonlyMap<string, ReportImage | RefusedImage>
    figures: ReportFigure[]
    /**
     * Set by remarkMeta when the front matter's audiences or themes could not
     * all be read: checking items against them would only repeat that mistake.
     */
    vocabularyUnread: boolean
  }
}

/**
 * Raw HTML as `remarkRawHtml` read it: the siblings that held it (`html`
 * nodes, and the Markdown between an open and a close tag), replaced by the
 * mdast they mean (`children`), with the siblings kept as written in `data`
 * for the web edition, which parses and sanitizes the HTML itself.
 */
export interface ParsedHtmlData extends Data {
  written: RootContent[]
}

/** Raw HTML among blocks (`<div>`, `<table>`, `<details>`). */
export interface ParsedHtmlFlow extends Parent {
  type: 'parsedHtmlFlow'
  children: Array<BlockContent | DefinitionContent>
  data: ParsedHtmlData
}

/** Raw HTML inside a paragraph, heading or table cell (`<br>`, `<sup>`, `<b>`). */
export interface ParsedHtmlText extends Parent {
  type: 'parsedHtmlText'
  children: PhrasingContent[]
  data: ParsedHtmlData
}

/** `<sup>` of raw HTML: mdast has no node for it. */
export interface Superscript extends Parent {
  type: 'superscript'
  children: PhrasingContent[]
}

/** `<sub>` of raw HTML. */
export interface Subscript extends Parent {
  type: 'subscript'
  children: PhrasingContent[]
}

declare module 'mdast' {
  interface RootContentMap {
    parsedHtmlFlow: ParsedHtmlFlow
    parsedHtmlText: ParsedHtmlText
    superscript: Superscript
    subscript: Subscript
  }
  interface BlockContentMap {
    parsedHtmlFlow: ParsedHtmlFlow
  }
  interface PhrasingContentMap {
    parsedHtmlText: ParsedHtmlText
    superscript: Superscript
    subscript: Subscript
  }
  interface ListItemData {
    /** Set by remarkItems on a list item that holds a finding, objective or recommendation. */
    itemId?: string
  }
  interface HeadingData {
    /** Set by remarkOutline: the heading's anchor id. */
    id?: string
  }
  interface LinkData {
    /** Set by remarkCrossReferences on a link to `#id` whose text it wrote: what it points at. */
    crossReference?: TargetKind
  }
  interface StrongData {
    /** Set by remarkFigures on the label that starts a caption (`Figure 2`). */
    captionLabel?: boolean
  }
  interface BlockContentMap {
    figure: Figure
  }
  interface RootContentMap {
    figure: Figure
    figureCaption: FigureCaption
  }
}

/** One file a renderer produces, relative to the output folder. */
export interface OutputFile {
  path: string
  data: string | Uint8Array
  /** What a reader calls it (`Print edition`), where the site and the web page link it; default: its format. */
  title?: string
  /** The date a reader sees on it when it is not the report's (a memo's own DATE). */
  date?: string
}

/** A file of the build, with the format whose renderer made it. */
export interface EditionFile extends OutputFile {
  format: string
}

/** Memo header fields given on the command line (`dossier memo ID --to …`). */
export type MemoOverrides = Partial<Record<'to' | 'from' | 'date' | 'subject', string>>

export interface RenderContext {
  /** The source's base name without extension: `report`. */
  name: string
  /** Template folders, highest first; read a template with `templateFile(context.templates, …)`. */
  templates: TemplateLayers
  /** The house design (`design.json` over its layers), read once for every edition. */
  design: Design
  /** The words dossier writes itself (`labels.json` over its layers), read once for every edition. */
  labels: Labels
  /** The timestamp inside files (PDF metadata, zip entries): SOURCE_DATE_EPOCH, else the front matter's date. */
  date: Date
  /** Paper for print editions (`letter`, `a4`); each renderer's template has a default. */
  paper?: string
  /** Only these memo audiences, when given (`--audience`). */
  audience?: string
  /** Overrides for memo fields (`dossier memo --to …`). */
  memoOverrides?: MemoOverrides
  /** For a renderer that `linksEditions`: the files the other renderers of this build made. */
  editions?: EditionFile[]
}

/**
 * A renderer: one folder under `src/render/`, whose `index.ts` exports
 * `renderer`. The build discovers the folders; adding one touches nothing else.
 * Problems go on `file` as vfile messages; a fatal one fails the build.
 */
export interface Renderer {
  format: string
  description: string
  render(tree: Root, file: VFile, context: RenderContext): Promise<OutputFile[]>
  /** Rendered after the other formats, with `context.editions` listing their files, to link them. */
  linksEditions?: boolean
  /** What `dossier check` runs: the renderer's own checks (its templates, fonts), quickly and writing nothing. */
  check?(tree: Root, file: VFile, context: RenderContext): Promise<void>
}
