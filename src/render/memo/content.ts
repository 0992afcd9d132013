import { displayDate } from '../../format.js'
import type { MemoOverrides, ReportItem, ReportMeta } from '../../types.js'
import { joinSentences } from '../../text.js'
import { composeAsk } from './ask.js'
import type { MemoSelection } from './select.js'
import { sentences } from './sentences.js'
import type { MemoContent, MemoDefinition, MemoLayout, MemoRecommendation } from './types.js'

/** How much a memo says: how many findings, and how many whole sentences of reasoning under each recommendation. */
export interface Arrangement {
  findings: number
  /** By recommendation, in the memo's order. */
  sentences: number[]
}

/** One line of the header block, named by its field so each format can style the subject. */
export interface HeaderRow {
  field: keyof MemoContent['header']
  label: string
  value: string
}

/** What every arrangement of one memo shares. */
export interface MemoSource {
  definition: MemoDefinition
  selection: MemoSelection
  meta: ReportMeta
  header: MemoContent['header']
  layout: MemoLayout
  /** The web edition's file, relative to the memo (`../report.html`). */
  reportHtml: string
}

/** The memo's words, arranged as `arrangement` says. */
export function memoContent(source: MemoSource, arrangement: Arrangement): MemoContent {
  const { definition, selection, meta, header, layout } = source
  const { recommendations } = selection
  const ask = definition.bottomLine.text ?? composeAsk(recommendations.slice(0, definition.bottomLine.asks).map((item) => item.lead), definition.bottomLine.to, layout)
  return {
    id: definition.id,
    header,
    letterhead: definition.letterhead,
    classification: definition.classification,
    contact: definition.contact,
    bottomLine: [ask, ...selection.support].filter(Boolean),
    findings: selection.findings.slice(0, arrangement.findings).map((item) => ({ id: item.id, lead: item.lead, summary: reasons(item)[0] ?? '' })),
    recommendations: recommendations.map((item, index) => memoRecommendation(item, index, arrangement.sentences[index] ?? 0, layout)),
    closing: closingLine(meta, layout),
    url: meta.url,
    reportHtml: source.reportHtml,
    title: `${layout.text.title}: ${header.subject}`,
    language: meta.language
  }
}

/** A recommendation numbered as the memo's `index`th, with `count` whole sentences of its reasoning. */
export function memoRecommendation(item: ReportItem, index: number, count: number, layout: MemoLayout): MemoRecommendation {
  return {
    id: item.id,
    number: layout.text.number.replace('{n}', String(index + 1)),
    // Kept on one line: “Recommendation” alone at a line's end reads as a fragment.
    reference: layout.text.reference.replace('{label}', item.label).replace(/ /g, '\u00a0'),
    lead: item.lead,
    rationale: joinSentences(reasons(item).slice(0, count))
  }
}

/** The sentences of an item's first paragraph after its lead: the reasoning a memo may show, whole sentences only. */
export function reasons(item: ReportItem): string[] {
  return sentences(item.body.text.split('\n\n')[0] ?? '')
}

/** The header block: the definition's fields, then the command line's overrides. */
export function memoHeader(definition: MemoDefinition, isoDate: string, language: string, overrides: MemoOverrides = {}): MemoContent['header'] {
  const written = overrides.date ?? definition.date
  return {
    to: overrides.to ?? definition.to,
    from: overrides.from ?? definition.from,
    subject: overrides.subject ?? definition.subject,
    date: written === undefined ? displayDate(isoDate, language) : /^\d{4}-\d{2}(-\d{2})?$/.test(written) ? displayDate(written, language) : written
  }
}

/** The MEMORANDUM FOR, FROM, DATE and SUBJECT lines, labelled as the layout says. */
export function headerRows(memo: MemoContent, layout: MemoLayout): HeaderRow[] {
  const fields = ['to', 'from', 'date', 'subject'] as const
  return fields.map((field) => ({ field, label: layout.text[field], value: memo.header[field] }))
}

/** The closing line, its `{field}`s filled from the front matter. */
function closingLine(meta: ReportMeta, layout: MemoLayout): string {
  const values: Record<string, string> = {
    title: meta.subtitle ? `${meta.title}: ${meta.subtitle}` : meta.title,
    publisher: [meta.organization, displayDate(meta.date, meta.language)].filter(Boolean).join(', '),
    url: meta.url ?? ''
  }
  const pattern = meta.url ? layout.text.closing : layout.text.closingNoUrl
  return pattern.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? '')
}
