import { displayDate } from '../../format.js'
import type { MemoOverrides, ReportItem, ReportMeta } from '../../types.js'
import type { MemoSelection } from './select.js'
import { firstWords, sentences } from './sentences.js'
import type { CondenseStep, MemoContent, MemoDefinition, MemoLayout, MemoRecommendation } from './types.js'

/** How far one attempt at fitting condenses the memo. */
export interface Condensing {
  /** The furthest step taken; recommendations past the end of `rationales` take it. */
  step: CondenseStep
  /** The step whose rationale each recommendation carries, in order (empty: all take `step`). */
  rationales: CondenseStep[]
  findings: number
}

/** One line of the header block, named by its field so each format can style the subject. */
export interface HeaderRow {
  field: keyof MemoContent['header']
  label: string
  value: string
}

/** The fields a memo's header may take from `dossier memo --to … --from … --date …`. */

/** The memo's words, condensed as `condensing` says. */
export function memoContent(
  template: MemoDefinition,
  selection: MemoSelection,
  meta: ReportMeta,
  header: MemoContent['header'],
  layout: MemoLayout,
  condensing: Condensing
): MemoContent {
  return {
    id: template.id,
    header,
    bottomLine: { framing: template.framing, sentences: selection.bottomLine },
    findings: selection.findings.slice(0, condensing.findings).map((item) => ({ id: item.id, lead: item.lead, summary: firstSentence(item) })),
    recommendations: selection.recommendations.map((item, index) => recommendation(item, condensing.rationales[index] ?? condensing.step, layout)),
    closing: closingLine(meta, layout),
    url: meta.url,
    title: `${layout.text.title}: ${header.subject}`,
    language: meta.language
  }
}

/** The header block: the template's fields, then the command line's overrides. */
export function memoHeader(template: MemoDefinition, isoDate: string, language: string, overrides: MemoOverrides = {}): MemoContent['header'] {
  const written = overrides.date ?? template.date
  return {
    to: overrides.to ?? template.to,
    from: overrides.from ?? template.from,
    subject: overrides.subject ?? template.subject,
    date: written === undefined ? displayDate(isoDate, language) : /^\d{4}-\d{2}(-\d{2})?$/.test(written) ? displayDate(written, language) : written
  }
}

/** The MEMORANDUM FOR, FROM, DATE and SUBJECT lines, labelled as the layout says. */
export function headerRows(memo: MemoContent, layout: MemoLayout): HeaderRow[] {
  const fields = ['to', 'from', 'date', 'subject'] as const
  return fields.map((field) => ({ field, label: layout.text[field], value: memo.header[field] }))
}

function firstSentence(item: ReportItem): string {
  return sentences(item.body.text)[0] ?? ''
}

function recommendation(item: ReportItem, step: CondenseStep, layout: MemoLayout): MemoRecommendation {
  const sentence = firstSentence(item)
  const rationale =
    step.rationale === 'sentence' ? sentence : step.rationale === 'words' ? firstWords(sentence, step.words ?? 0, layout.text.ellipsis) : ''
  return { id: item.id, label: item.label, lead: item.lead, rationale }
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
