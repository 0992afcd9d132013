import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js'
import { advanceWidth, type FontFaces } from '../../fonts.js'
import { authorCredits, displayDate } from '../../format.js'
import type { ReportMeta } from '../../types.js'
import type { Coverage, FaceText } from './coverage.js'
import type { FootnotePlan } from './footnotes.js'
import { wrap } from './paginate.js'
import { pdfmakeStyles, type PageGeometry, type PdfTemplate } from './template.js'
import { elementMaker, languageSpans, structParts, tagRuns, type ElementMaker, type StructPath, type StructRole } from './structure.js'
import { textRuns } from './text-runs.js'
import type { Converted } from './to-pdfmake.js'

/** A line of the contents: a section, a subsection or an item, and where it points. */
export interface ContentsEntry {
  kind: 'section' | 'subsection' | 'item'
  id: string
  text: string
}

export interface DocumentParts {
  converted: Converted
  meta: ReportMeta
  /** The report's date as a reader sees it (`December 2015`). */
  date: string
  template: PdfTemplate
  geometry: PageGeometry
  /** The families the document is set in, as files: line heights and widths are read from them. */
  families: Record<string, FontFaces>
  fontFor: Coverage['fontFor']
  plan: FootnotePlan
  contents: ContentsEntry[]
}

/** A node as pdfmake leaves it after laying it out. */
interface Laid {
  style?: unknown
  outlineText?: string
  positions?: Array<{ pageNumber: number; top: number }>
}

/**
 * The whole print edition as a pdfmake document: cover, imprint, contents,
 * body; a running head naming the chapter and a folio on the pages after
 * the front matter; footnotes at the foot of the pages that cite them.
 */
export function pdfDefinition(parts: DocumentParts): TDocumentDefinitions {
  const { meta, template, geometry, plan } = parts
  const { margins } = geometry
  const runs = (text: string, family = template.fonts.display) => textRuns(text, family, parts.fontFor[family])
  const front = [...cover(parts, runs), ...imprint(parts, runs)]
  // The page the body starts on: the running head and folio start with the contents, after the cover and imprint.
  const frontPages = front.length > 0 && imprint(parts, runs).length > 0 ? 2 : 1
  const chapters = chapterHeadings(parts.converted.content)
  const { defaultStyle, styles } = pdfmakeStyles(template, parts.families)
  return {
    pageSize: { width: geometry.width, height: geometry.height },
    pageMargins: [margins.left, margins.top, margins.right, margins.bottom],
    language: meta.language,
    // A tagged PDF (tagged-render.ts) that says it meets PDF/UA (XMP `pdfuaid:part` 1), which asks for PDF 1.7 and the title in the window.
    tagged: true,
    subset: 'PDF/UA',
    version: '1.7',
    displayTitle: true,
    info: {
      title: meta.subtitle ? `${meta.title}: ${meta.subtitle}` : meta.title,
      author: meta.authors.join(', '),
      subject: meta.description ?? meta.subtitle ?? meta.title,
      keywords: meta.keywords.join(', '),
      creator: 'dossier',
      producer: 'dossier (pdfmake)'
    },
    defaultStyle,
    styles,
    content: [...front, ...contents(parts, runs), ...parts.converted.content],
    header(page) {
      if (page <= frontPages) return null
      // The chapter in force at the page's top: the last to start above it.
      const chapter = chapters.filter((node) => {
        const at = node.positions?.[0]
        return at !== undefined && (at.pageNumber < page || (at.pageNumber === page && at.top <= margins.top + 1))
      }).at(-1)
      return {
        margin: [margins.left, template.header.offset, margins.right, 0],
        stack: [
          {
            columns: [
              { text: runs(meta.shortTitle), style: 'runningHead', width: 'auto' },
              { text: chapter ? runs(chapter.outlineText ?? '') : '', style: 'runningHead', alignment: 'right', width: '*' }
            ],
            columnGap: 12
          },
          { canvas: [{ type: 'line', x1: 0, y1: template.header.ruleGap, x2: geometry.textWidth, y2: template.header.ruleGap, lineWidth: template.header.rule, lineColor: template.colors.rule }] }
        ]
      }
    },
    footer(page) {
      if (page <= frontPages) return null
      return { text: String(page), style: 'pageNumber', alignment: 'center', margin: [0, template.footer.offset, 0, 0] }
    },
    background(page) {
      const numbers = plan.notesOnPage[page - 1] ?? []
      if (numbers.length === 0) return null
      const height = template.footnotes.gap + numbers.reduce((sum, number) => sum + plan.heights[number - 1], 0)
      return {
        absolutePosition: { x: margins.left, y: geometry.height - margins.bottom - height },
        columns: [
          {
            width: geometry.textWidth,
            stack: [
              { canvas: [{ type: 'line', x1: 0, y1: 0, x2: template.footnotes.ruleWidth, y2: 0, lineWidth: template.footnotes.rule, lineColor: template.colors.rule }], margin: [0, 0, 0, template.footnotes.gap - template.footnotes.rule] },
              ...numbers.flatMap((number) => parts.converted.notes[number - 1])
            ]
          }
        ]
      }
    }
  }
}

/** The chapter headings (`h1`) of the body, in order: pdfmake gives them positions as it lays them out. */
function chapterHeadings(content: Content[]): Laid[] {
  const found: Laid[] = []
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk)
    if (!value || typeof value !== 'object') return
    const node = value as Laid & { stack?: unknown }
    if (node.style === 'h1') found.push(node)
    walk(node.stack)
  }
  walk(content)
  return found
}

type Runs = (text: string, family?: string) => Content[]

/**
 * Where each contents entry stands in the structure: a `TOC` of the
 * sections, each section's `TOCI` holding a `TOC` of what is under it
 * (subsections, and items under those), as deep as the entries go.
 */
function contentsStructure(make: ElementMaker): (kind: ContentsEntry['kind']) => StructPath {
  const depth = { section: 0, subsection: 1, item: 2 } as const
  const contents = [make('TOC')]
  // The entries that may still hold others, deepest last, each with the `TOC` made for what is under it.
  const open: Array<{ depth: number; entry: StructPath; under?: StructPath }> = []
  return (kind) => {
    while (open.length > 0 && open.at(-1)!.depth >= depth[kind]) open.pop()
    const parent = open.at(-1)
    const toc = parent ? (parent.under ??= [...parent.entry, make('TOC')]) : contents
    const entry = [...toc, make('TOCI')]
    open.push({ depth: depth[kind], entry })
    return entry
  }
}

/** Runs tagged as one element of a part of the document, CJK passages in their language. */
function tagged(parts: DocumentParts, make: ElementMaker, role: StructRole, runs: Content[], family: string): Content[] {
  const path = [make(role)]
  const han = parts.fontFor[family]?.han
  return han ? languageSpans(runs as Array<{ text?: unknown }>, path, parts.meta.language, han, make) as Content[] : tagRuns(runs, path)
}

/**
 * The front matter and labels as the cover, imprint, contents and running
 * head print them, each in its face: what `checkCoverage` checks.
 */
export function printedFrontMatter(meta: ReportMeta, template: PdfTemplate): FaceText[] {
  const { text, display } = template.fonts
  const { authors, advisers, contents } = template.labels
  return [
    [displayDate(meta.date, meta.language), display],
    [`${authors.toUpperCase()}${advisers.toUpperCase()}${contents}${template.contents.leader}`, display],
    [meta.organization?.toUpperCase() ?? '', display],
    [meta.organization ?? '', display],
    [meta.title, display],
    [meta.subtitle ?? '', text],
    [meta.shortTitle, display],
    [meta.copyright ?? '', display],
    [meta.about ?? '', display],
    [meta.url ?? '', display],
    [meta.abstract ?? '', text],
    ...authorCredits(meta).map((name): FaceText => [name, text]),
    ...meta.advisers.map((name): FaceText => [name, text])
  ]
}

function cover(parts: DocumentParts, runs: Runs): Content[] {
  const { meta, template, geometry } = parts
  // Tagged, the title is the document's first heading; the rest are paragraphs.
  const make = elementMaker(structParts.cover)
  const text = (role: StructRole, value: string, family = template.fonts.display) => tagged(parts, make, role, runs(value, family), family)
  const names = (label: string, people: string[]): Content[] =>
    people.length
      ? [
          { text: text('P', label.toUpperCase()), style: 'coverLabel' },
          // One name a line, each a paragraph of its own.
          { text: people.flatMap((name, index) => [...(index ? [{ text: '\n' }] : []), ...text('P', name, template.fonts.text)]), style: 'coverNames' }
        ]
      : []
  return [
    {
      stack: [
        ...(meta.organization ? [{ text: text('P', meta.organization.toUpperCase()), style: 'coverOrganization' }] : []),
        { text: text('H1', meta.title), style: 'coverTitle' },
        ...(meta.subtitle ? [{ text: text('P', meta.subtitle, template.fonts.text), style: 'coverSubtitle', italics: true }] : []),
        { canvas: [{ type: 'line', x1: 0, y1: 0, x2: geometry.textWidth, y2: 0, lineWidth: template.rules.cover, lineColor: template.colors.accent }] },
        ...(meta.abstract ? [{ text: text('P', meta.abstract, template.fonts.text), style: 'coverAbstract' }] : []),
        ...names(template.labels.authors, authorCredits(meta)),
        ...names(template.labels.advisers, meta.advisers),
        ...(parts.date ? [{ text: text('P', parts.date), style: 'coverDate', margin: [0, template.cover.bottomSpace, 0, 0] }] : [])
      ] as Content[],
      margin: [0, template.cover.topSpace, 0, 0]
    }
  ]
}

/**
 * The imprint, on the cover's back: the organization, a note about it, the
 * copyright line and the report's address, each only if the front matter
 * gives it. Nothing is made up: without any of them there is no imprint.
 */
function imprint(parts: DocumentParts, runs: Runs): Content[] {
  const { meta, template } = parts
  // Read after the cover, in its part of the structure.
  const make = elementMaker(structParts.imprint)
  const paragraph = (value: string) => tagged(parts, make, 'P', runs(value), template.fonts.display)
  const link = (url: string) => tagRuns(runs(url), [make('P'), make('Link', { contents: url })])
  const blocks: Content[] = [
    ...(meta.organization ? [{ text: paragraph(meta.organization), style: 'imprintOrganization' }] : []),
    ...(meta.about ? [{ text: paragraph(meta.about), style: 'imprint' }] : []),
    ...(meta.copyright ? [{ text: paragraph(meta.copyright), style: 'imprint' }] : []),
    ...(meta.url ? [{ text: link(meta.url), style: 'imprint', link: meta.url }] : [])
  ] as Content[]
  if (blocks.length === 0) return []
  return [{ stack: blocks, pageBreak: 'before', margin: [0, template.cover.topSpace, 0, 0] }]
}

/**
 * The contents: each entry's title, a leader of dots and its page number
 * on the title's last line, at its baseline. pdfmake has no leader tabs,
 * so the title is wrapped here as pdfmake will wrap it (word by word, with
 * the face's own widths) to know how many dots fill its last line; the
 * page number is a `pageReference`, filled in as the page is printed.
 */
function contents(parts: DocumentParts, runs: Runs): Content[] {
  const { template, geometry } = parts
  if (parts.contents.length === 0) return []
  const styleName = { section: 'tocEntry1', subsection: 'tocEntry2', item: 'tocItem' } as const
  const entries = parts.contents.filter((entry) => entry.kind !== 'item' || template.contents.items)
  const make = elementMaker(structParts.contents)
  const title = tagRuns(runs(template.labels.contents), [make('H2')])
  const place = contentsStructure(make)
  return [
    { text: title, style: 'tocTitle', pageBreak: 'before' },
    ...entries.map((entry): Content => {
      // Tagged, an entry is a `TOCI` holding a link (its title and page number); the leader is an artifact.
      const path = [...place(entry.kind), make('Link', { contents: entry.text })]
      const name = styleName[entry.kind]
      const style = { ...template.defaultStyle, ...template.styles[name] }
      const size = style.fontSize ?? 10
      const face = parts.families[String(style.font ?? template.fonts.display)]
      const width = (text: string, bold = Boolean(style.bold)) => advanceWidth(bold ? face.bold : face.normal, text, size)
      const indent = Array.isArray(style.margin) ? Number(style.margin[0]) : 0
      const available = geometry.textWidth - indent - template.contents.numberWidth
      const lines = wrap(entry.text, available, width)
      const { leader, leaderSpacing } = template.contents
      const dot = width(leader, false) + leaderSpacing
      // One dot fewer than would fit, so that rounding never sends the leader to a line of its own.
      const dots = Math.max(0, Math.floor((available - lines.at(-1)! - width(' ', false) - leaderSpacing) / dot) - 1)
      const lineHeight = size * Number(style.lineHeight ?? 1)
      return {
        columns: [
          { width: '*', text: [...runs(entry.text).map((run) => ({ ...(run as object), linkToDestination: entry.id, tag: path })), { text: ` ${leader.repeat(dots)}`, characterSpacing: leaderSpacing, color: template.colors.muted, bold: false, noWrap: true }] },
          // The page reference is the run's, not the column's, so that the run keeps its tag.
          { width: template.contents.numberWidth, text: [{ text: '00', pageReference: entry.id, tag: path }], alignment: 'right', noWrap: true, marginTop: (lines.length - 1) * lineHeight }
        ],
        columnGap: 0,
        style: name
      } as Content
    })
  ]
}
