import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js'
import { authorCredits, displayDate } from '../../format.js'
import type { ReportMeta } from '../../types.js'
import type { Coverage, FaceText } from './coverage.js'
import type { FootnotePlan } from './footnotes.js'
import type { PageGeometry, PdfTemplate } from './template.js'
import { textRuns } from './text-runs.js'
import type { Converted } from './to-pdfmake.js'

export interface DocumentParts {
  converted: Converted
  meta: ReportMeta
  /** The report's date as a reader sees it (`December 2015`). */
  date: string
  template: PdfTemplate
  geometry: PageGeometry
  fontFor: Coverage['fontFor']
  plan: FootnotePlan
}

/**
 * The whole print edition as a pdfmake document: cover, contents, body,
 * running head and folio on every page but the cover, footnotes at the foot
 * of the pages that cite them.
 */
export function pdfDefinition(parts: DocumentParts): TDocumentDefinitions {
  const { meta, template, geometry, plan } = parts
  const { margins } = geometry
  const runs = (text: string, family = template.fonts.display) => textRuns(text, family, parts.fontFor[family])
  return {
    pageSize: { width: geometry.width, height: geometry.height },
    pageMargins: [margins.left, margins.top, margins.right, margins.bottom],
    language: meta.language,
    info: {
      title: meta.subtitle ? `${meta.title}: ${meta.subtitle}` : meta.title,
      author: meta.authors.join(', '),
      subject: meta.description ?? meta.subtitle ?? meta.title,
      keywords: meta.keywords.join(', '),
      creator: 'dossier',
      producer: 'dossier (pdfmake)'
    },
    defaultStyle: template.defaultStyle,
    styles: template.styles,
    content: [...cover(parts, runs), ...contents(parts, runs), ...parts.converted.content],
    header(page) {
      if (page === 1) return null
      return {
        margin: [margins.left, template.header.offset, margins.right, 0],
        stack: [
          { text: runs(meta.shortTitle), style: 'runningHead' },
          { canvas: [{ type: 'line', x1: 0, y1: template.header.ruleGap, x2: geometry.textWidth, y2: template.header.ruleGap, lineWidth: template.header.rule, lineColor: template.colors.rule }] }
        ]
      }
    },
    footer(page) {
      if (page === 1) return null
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

type Runs = (text: string, family?: string) => Content[]

/**
 * The front matter and labels as the cover, contents and running head
 * print them, each in its face: what `checkCoverage` checks.
 */
export function printedFrontMatter(meta: ReportMeta, template: PdfTemplate): FaceText[] {
  const { text, display } = template.fonts
  const { authors, advisers, contents } = template.labels
  return [
    [displayDate(meta.date, meta.language), display],
    [`${authors.toUpperCase()}${advisers.toUpperCase()}${contents}`, display],
    [meta.organization?.toUpperCase() ?? '', display],
    [meta.title, display],
    [meta.subtitle ?? '', text],
    [meta.shortTitle, display],
    [meta.abstract ?? '', text],
    ...authorCredits(meta).map((name): FaceText => [name, text]),
    ...meta.advisers.map((name): FaceText => [name, text])
  ]
}

function cover(parts: DocumentParts, runs: Runs): Content[] {
  const { meta, template, geometry } = parts
  const names = (label: string, people: string[]): Content[] =>
    people.length ? [{ text: runs(label.toUpperCase()), style: 'coverLabel' }, { text: people.flatMap((name, index) => [...(index ? ['\n'] : []), ...runs(name, template.fonts.text)]), style: 'coverNames' }] : []
  return [
    {
      stack: [
        ...(meta.organization ? [{ text: runs(meta.organization.toUpperCase()), style: 'coverOrganization' }] : []),
        { text: runs(meta.title), style: 'coverTitle' },
        ...(meta.subtitle ? [{ text: runs(meta.subtitle, template.fonts.text), style: 'coverSubtitle', italics: true }] : []),
        { canvas: [{ type: 'line', x1: 0, y1: 0, x2: geometry.textWidth, y2: 0, lineWidth: template.rules.cover, lineColor: template.colors.accent }] },
        ...(meta.abstract ? [{ text: runs(meta.abstract, template.fonts.text), style: 'coverAbstract' }] : []),
        ...names(template.labels.authors, authorCredits(meta)),
        ...names(template.labels.advisers, meta.advisers),
        ...(parts.date ? [{ text: runs(parts.date), style: 'coverDate', margin: [0, template.cover.bottomSpace, 0, 0] }] : [])
      ] as Content[],
      margin: [0, template.cover.topSpace, 0, 0]
    }
  ]
}

function contents(parts: DocumentParts, runs: Runs): Content[] {
  const [first] = parts.converted.content
  if (first === undefined) return []
  // Text before the first section (a plain Markdown file's opening
  // paragraphs) starts a page of its own, as a section would, rather than
  // run on under the contents.
  const preamble = parts.template.page.chapterBreak && (first as { pageBreak?: string }).pageBreak !== 'before'
  return [
    { text: runs(parts.template.labels.contents), style: 'tocTitle', pageBreak: 'before' },
    { toc: { numberStyle: 'tocNumber', textStyle: 'tocEntry2' }, ...(preamble ? { pageBreak: 'after' } : {}) }
  ] as Content[]
}
