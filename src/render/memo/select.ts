import { isReportFile } from '../../format.js'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import type { Root } from 'mdast'
import type { VFile } from 'vfile'
import { VFileMessage } from 'vfile-message'
import { didYouMean } from '../../did-you-mean.js'
import type { ReportData, ReportItem } from '../../types.js'
import { placeAt } from '../../yaml-source.js'
import { templateProblem, type MemoRule } from './problems.js'
import { findQuote, reportSentences, type ReportSentence } from './quotes.js'
import type { MemoDefinition } from './types.js'

/** What a definition takes from the report, before any condensing. */
export interface MemoSelection {
  /** The report's sentences that back the ask, whole. */
  support: string[]
  findings: ReportItem[]
  /** In the memo's order: those the definition's `select.order` lists first, then the report's order. */
  recommendations: ReportItem[]
  /** How many problems the definition's selection has (each one reported). */
  problems: number
}

type Complain = (reason: string, key: string, ruleId?: MemoRule, cause?: VFileMessage) => void

/**
 * Take a definition's content from the report: the sentences it quotes,
 * findings, recommendations. Every id it names must exist and every
 * sentence it quotes must be in the report; each that is not is reported
 * at its place in the definition.
 */
export function selectContent(file: VFile, tree: Root, report: ReportData, definition: MemoDefinition): MemoSelection {
  let problems = 0
  let reports: string[] | undefined
  const complain: Complain = (reason, key, ruleId = 'memo-template-unknown', cause) => {
    problems++
    // In a folder of reports, a definition written for another of them is the likelier mistake.
    const others = ruleId === 'memo-template-unknown' ? (reports ??= otherReports(file.path)) : []
    const shared = others.length > 0 ? ` (building ${path.basename(file.path ?? '')}; a definition for another report of its folder names it with \`report:\`, one of ${others.map((name) => `\`${name}\``).join(', ')})` : ''
    templateProblem(file, definition.path, `${reason}${shared}`, placeAt(definition.places, key), ruleId, { cause })
  }
  checkIds(definition.select.audiences, report.meta.audiences.map((a) => a.id), 'select.audiences', 'audience', complain)
  checkIds(definition.select.themes, report.meta.themes.map((t) => t.id), 'select.themes', 'theme', complain)
  checkIds(definition.select.ids, report.recommendations.map((r) => r.id), 'select.ids', 'recommendation', complain)
  checkIds(definition.findings.themes, report.meta.themes.map((t) => t.id), 'findings.themes', 'theme', complain)
  checkIds(definition.findings.ids, report.findings.map((f) => f.id), 'findings.ids', 'finding', complain)

  const selected = report.recommendations.filter((item) => selects(definition.select, item))
  // An unknown id already explains an empty selection.
  if (selected.length === 0 && problems === 0) complain('Unexpected selection of no recommendations, expected `select` to match at least one', 'select')
  checkIds(definition.select.order, selected.map((item) => item.id), 'select.order', 'selected recommendation', complain)
  return {
    support: support(file, tree, definition, complain),
    findings: selectFindings(report.findings, definition.findings),
    recommendations: inOrder(selected, definition.select.order),
    problems
  }
}

function checkIds(ids: string[], known: string[], key: string, kind: string, complain: Complain): void {
  ids.forEach((id, index) => {
    if (known.includes(id)) return
    const meant = didYouMean(id, known)
    complain(`Unknown ${kind} \`${id}\`, ${meant ? `did you mean \`${meant}\`?` : `expected one of ${known.map((k) => `\`${k}\``).join(', ') || 'none (the report’s front matter declares none)'}`}`, `${key}.${index}`)
  })
}

/** Listed by id, or matching every filter given (audiences, themes). */
function selects(select: MemoDefinition['select'], item: ReportItem): boolean {
  if (select.ids.includes(item.id)) return true
  if (select.audiences.length === 0 && select.themes.length === 0) return false
  return matchesAny(select.audiences, item.audiences) && matchesAny(select.themes, item.themes)
}

function matchesAny(wanted: string[], has: string[]): boolean {
  return wanted.length === 0 || wanted.some((id) => has.includes(id))
}

/** Those `order` names first, in its order, then the rest as the report has them. */
function inOrder(items: ReportItem[], order: string[]): ReportItem[] {
  const first = order.flatMap((id) => items.filter((item) => item.id === id))
  return [...new Set([...first, ...items])]
}

function selectFindings(findings: ReportItem[], wanted: MemoDefinition['findings']): ReportItem[] {
  const chosen = findings.filter(
    (item) => (wanted.ids.length === 0 || wanted.ids.includes(item.id)) && matchesAny(wanted.themes, item.themes)
  )
  return chosen.slice(0, wanted.count ?? chosen.length)
}

/**
 * The report's sentences that back the ask, whole: those the definition
 * quotes by their opening words; else, deprecated, those it counts in
 * `section`; else the report's first sentence.
 */
function support(file: VFile, tree: Root, definition: MemoDefinition, complain: Complain): string[] {
  const { quotes, sentences: numbers } = definition.bottomLine
  // Sentences were counted in the executive summary unless a definition named another section.
  const section = definition.bottomLine.section ?? (quotes.length === 0 && numbers !== undefined ? 'executive-summary' : undefined)
  const available = reportSentences(tree, file, section)
  if (available === undefined) {
    complain(`Unknown section \`${section}\`, expected the id of a heading in the report`, 'bottom_line.section')
    return []
  }
  if (quotes.length > 0) return quotes.flatMap((quote) => quoted(quote.opening, quote.key, available, definition, complain))
  if (numbers !== undefined) return counted(file, numbers, section ?? 'the report', available, definition, complain)
  return available.slice(0, 1).map((sentence) => sentence.text)
}

function quoted(opening: string, key: string, available: ReportSentence[], definition: MemoDefinition, complain: Complain): string[] {
  const match = findQuote(opening, available)
  if ('found' in match) return [match.found.text]
  if ('ambiguous' in match) {
    complain(
      `Memo \`${definition.id}\` quotes “${opening}”, which opens ${match.ambiguous.length} sentences of the report, expected words that open one: quote more of the one meant`,
      key,
      'memo-quote-ambiguous',
      sentenceNote(`Another: “${match.ambiguous[1].text}”`, match.ambiguous[1])
    )
    return []
  }
  complain(
    `Memo \`${definition.id}\` quotes a sentence the report no longer has: “${opening}”${match.closest ? `; the closest is “${excerpt(match.closest.text)}” (quote its opening, or another sentence)` : ''}`,
    key,
    'memo-quote-missing',
    match.closest && sentenceNote(`The closest sentence: “${match.closest.text}”`, match.closest)
  )
  return []
}

/** `sentences: [1, 5]`: still read, with a warning that shows the quotes to write instead. */
function counted(file: VFile, numbers: number[], section: string, available: ReportSentence[], definition: MemoDefinition, complain: Complain): string[] {
  const picked = numbers.flatMap((number, index) => {
    if (number <= available.length) return [available[number - 1].text]
    complain(`Unexpected sentence ${number}, expected at most ${available.length} (the sentences of \`${section}\`)`, `bottom_line.sentences.${index}`, 'memo-template-field')
    return []
  })
  // Written out to paste into the definition.
  const openings = picked.map((text) => JSON.stringify(excerpt(text).replace(/…$/, ''))).join(', ')
  templateProblem(
    file,
    definition.path,
    `Deprecated \`bottom_line.sentences\`: numbers name other sentences once the report is edited, expected \`bottom_line.quote\` with each sentence’s opening words${openings ? `, here \`quote: [${openings}]\`` : ''}`,
    placeAt(definition.places, 'bottom_line.sentences'),
    'memo-template-deprecated',
    { fatal: false }
  )
  return picked
}

/** A sentence's first words, enough to find it again. */
function excerpt(text: string, words = 6): string {
  const all = text.split(' ')
  return all.length <= words ? text : `${all.slice(0, words).join(' ')}…`
}

/** A note at a sentence of the report (a `cause`, printed under the message). */
function sentenceNote(reason: string, sentence: ReportSentence): VFileMessage {
  return new VFileMessage(reason, { place: sentence.place, source: 'dossier-memo' })
}

/** The other reports beside `source` (their names, `japan` for `japan.md`), which share its `memos/`. */
function otherReports(source: string | undefined): string[] {
  if (!source) return []
  const own = path.basename(source)
  try {
    return readdirSync(path.dirname(source) || '.')
      .filter((name) => isReportFile(name) && name !== own)
      .sort()
      .map((name) => name.slice(0, -3))
  } catch {
    return []
  }
}
