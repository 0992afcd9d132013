import type { Heading, Root, RootContent } from 'mdast'
import { toString } from 'mdast-util-to-string'
import type { VFile } from 'vfile'
import type { ReportData, ReportItem } from '../../types.js'
import { templateProblem, type MemoRule } from './problems.js'
import { sentences } from './sentences.js'
import type { MemoDefinition } from './types.js'
import { placeAt } from '../../yaml-source.js'

/** What a template takes from the report, before any condensing. */
export interface MemoSelection {
  bottomLine: string[]
  findings: ReportItem[]
  recommendations: ReportItem[]
  /** How many problems the template's selection has (each one reported). */
  problems: number
}

/**
 * Take a template's content from the report: sentences of a section for
 * the bottom line, findings, recommendations. Every id the template names
 * must exist; each that does not is reported at its place in the template.
 */
export function selectContent(file: VFile, tree: Root, report: ReportData, template: MemoDefinition): MemoSelection {
  let unknown = 0
  const complain = (reason: string, key: string, ruleId: MemoRule = 'memo-template-unknown') => {
    unknown++
    templateProblem(file, template.path, reason, placeAt(template.places, key), ruleId)
  }
  checkIds(template.select.audiences, report.meta.audiences.map((a) => a.id), 'select.audiences', 'audience', complain)
  checkIds(template.select.themes, report.meta.themes.map((t) => t.id), 'select.themes', 'theme', complain)
  checkIds(template.select.ids, report.recommendations.map((r) => r.id), 'select.ids', 'recommendation', complain)
  checkIds(template.findings.themes, report.meta.themes.map((t) => t.id), 'findings.themes', 'theme', complain)
  checkIds(template.findings.ids, report.findings.map((f) => f.id), 'findings.ids', 'finding', complain)

  const recommendations = report.recommendations.filter((item) => selects(template.select, item))
  // An unknown id already explains an empty selection.
  if (recommendations.length === 0 && unknown === 0) complain('Unexpected selection of no recommendations, expected `select` to match at least one', 'select')
  const sentences = bottomLine(tree, template, complain)
  return {
    bottomLine: sentences,
    findings: selectFindings(report.findings, template.findings),
    recommendations,
    problems: unknown
  }
}

type Complain = (reason: string, key: string, ruleId?: MemoRule) => void

function checkIds(ids: string[], known: string[], key: string, kind: string, complain: Complain): void {
  ids.forEach((id, index) => {
    if (!known.includes(id)) complain(`Unknown ${kind} \`${id}\`, expected one of ${known.map((k) => `\`${k}\``).join(', ') || 'none (the report’s front matter declares none)'}`, `${key}.${index}`)
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

function selectFindings(findings: ReportItem[], wanted: MemoDefinition['findings']): ReportItem[] {
  const chosen = findings.filter(
    (item) => (wanted.ids.length === 0 || wanted.ids.includes(item.id)) && matchesAny(wanted.themes, item.themes)
  )
  return chosen.slice(0, wanted.count ?? chosen.length)
}

/** The sentences the template picks from a section's own paragraphs, in the order it lists them. */
function bottomLine(tree: Root, template: MemoDefinition, complain: Complain): string[] {
  const { section, sentences: picks } = template.bottomLine
  const paragraphs = sectionParagraphs(tree, section)
  if (paragraphs === undefined) {
    complain(`Unknown section \`${section}\`, expected the id of a heading in the report`, 'bottom_line.section')
    return []
  }
  const available = paragraphs.flatMap((paragraph) => sentences(paragraph))
  return picks.flatMap((number, index) => {
    if (number <= available.length) return [available[number - 1]]
    complain(`Unexpected sentence ${number}, expected at most ${available.length} (the sentences of \`${section}\`)`, `bottom_line.sentences.${index}`, 'memo-template-field')
    return []
  })
}

/** The text of the paragraphs directly under a heading, up to the next heading of its rank or above. */
function sectionParagraphs(tree: Root, id: string): string[] | undefined {
  const start = tree.children.findIndex((node) => node.type === 'heading' && node.data?.id === id)
  if (start === -1) return undefined
  const depth = (tree.children[start] as Heading).depth
  const result: string[] = []
  for (const node of tree.children.slice(start + 1) as RootContent[]) {
    if (node.type === 'heading' && node.depth <= depth) break
    if (node.type === 'paragraph') result.push(toString(node))
  }
  return result
}
