import type { Root, RootContent } from 'mdast'
import { toString } from 'mdast-util-to-string'
import type { VFile } from 'vfile'
import { reportData } from '../pipeline.js'
import type { ItemKind, ReportData, ReportItem, ReportMeta } from '../types.js'
import { diffMemos, type MemoChange } from './memos.js'
import { commonSubsequence, countWords, diffWords, type WordRun } from './words.js'

/** One version of a report, parsed by the pipeline: its tree and `file.data`. */
export interface ReportVersion {
  /** Where it came from, as the reader named it: `source/report.md`, `HEAD~1:source/report.md`. */
  source: string
  tree: Root
  file: VFile
}

export type ItemChangeKind = 'added' | 'removed' | 'moved' | 'relabelled' | 'reworded' | 'retagged'

/** What happened to one finding, objective or recommendation, matched by id. */
export interface ItemChange {
  id: string
  kind: ItemKind
  /** `added` or `removed` alone; otherwise any of the rest. */
  changes: ItemChangeKind[]
  /** Its lead now (before, for a removed item). */
  lead: string
  label: { old?: string; new?: string }
  section: { old?: string; new?: string }
  /** Word-level diffs of the lead and the body, when reworded. */
  wording?: { lead?: WordRun[]; body?: WordRun[] }
  /** Audiences and themes before and after, when retagged. */
  tags?: { old: { audiences: string[]; themes: string[] }; new: { audiences: string[]; themes: string[] } }
}

/** A top-level section whose text changed, matched by its heading's id. */
export interface SectionChange {
  id: string
  title: string
  change: 'added' | 'removed' | 'renamed' | 'changed'
  /** The heading before, when renamed. */
  oldTitle?: string
  words: { added: number; removed: number }
}

/** A front matter value that changed (`date`, `title`, …). */
export interface MetaChange {
  key: string
  old?: unknown
  new?: unknown
}

/** What a change to a report's source did to it: `schema/diff.schema.json`. */
export interface ReportDiff {
  old: { source: string; title: string }
  new: { source: string; title: string }
  meta: MetaChange[]
  sections: SectionChange[]
  items: ItemChange[]
  memos: MemoChange[]
}

const kinds: ItemKind[] = ['finding', 'objective', 'recommendation']

/**
 * Compare two versions of a report in substance: items by id (added,
 * removed, moved, relabelled, reworded, retagged), top-level sections by
 * their text, the front matter, and what each memo would take from them. Everything is read from what the pipeline made; nothing
 * parses Markdown again.
 */
export async function diffReports(before: ReportVersion, after: ReportVersion): Promise<ReportDiff> {
  const [a, b] = [reportData(before.file), reportData(after.file)]
  return {
    old: { source: before.source, title: a.meta.title },
    new: { source: after.source, title: b.meta.title },
    meta: diffMeta(a.meta, b.meta),
    sections: diffSections(sections(before.tree), sections(after.tree)),
    items: kinds.flatMap((kind) => diffItems(itemsOf(a, kind), itemsOf(b, kind))),
    memos: await diffMemos(before, after)
  }
}

function itemsOf(report: ReportData, kind: ItemKind): ReportItem[] {
  return { finding: report.findings, objective: report.objectives, recommendation: report.recommendations }[kind]
}

function diffMeta(a: ReportMeta, b: ReportMeta): MetaChange[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])] as Array<keyof ReportMeta>
  return keys
    .filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]))
    .map((key) => ({ key, old: a[key], new: b[key] }))
}

/** Items of one kind, matched by id: an item is moved when it left the order the others keep, or its section. */
function diffItems(a: ReportItem[], b: ReportItem[]): ItemChange[] {
  const before = new Map(a.map((item) => [item.id, item]))
  const after = new Map(b.map((item) => [item.id, item]))
  const common = (items: ReportItem[], other: Map<string, ReportItem>) => items.filter((item) => other.has(item.id)).map((item) => item.id)
  const [oldOrder, newOrder] = [common(a, after), common(b, before)]
  const inOrder = new Set(commonSubsequence(oldOrder, newOrder).map(([, j]) => newOrder[j]))

  const changes: ItemChange[] = []
  for (const item of b) {
    const old = before.get(item.id)
    if (!old) {
      changes.push({ id: item.id, kind: item.kind, changes: ['added'], lead: item.lead, label: { new: item.label }, section: { new: item.section.title } })
      continue
    }
    const change: ItemChange = {
      id: item.id,
      kind: item.kind,
      changes: [],
      lead: item.lead,
      label: { old: old.label, new: item.label },
      section: { old: old.section.title, new: item.section.title }
    }
    if (!inOrder.has(item.id) || old.section.id !== item.section.id) change.changes.push('moved')
    if (old.label !== item.label) change.changes.push('relabelled')
    const lead = diffWords(old.lead, item.lead)
    const body = diffWords(old.body.text, item.body.text)
    if (lead.some(changed) || body.some(changed)) {
      change.changes.push('reworded')
      change.wording = { ...(lead.some(changed) && { lead }), ...(body.some(changed) && { body }) }
    }
    const tags = (it: ReportItem) => ({ audiences: it.audiences, themes: it.themes })
    if (JSON.stringify(tags(old)) !== JSON.stringify(tags(item))) {
      change.changes.push('retagged')
      change.tags = { old: tags(old), new: tags(item) }
    }
    if (change.changes.length > 0) changes.push(change)
  }
  for (const item of a.filter((item) => !after.has(item.id))) {
    changes.push({ id: item.id, kind: item.kind, changes: ['removed'], lead: item.lead, label: { old: item.label }, section: { old: item.section.title } })
  }
  return changes
}

function changed(run: WordRun): boolean {
  return run.op !== 'equal'
}

interface Section {
  id: string
  title: string
  text: string
}

/**
 * The top-level sections of a parsed report (the text before the first
 * one, if any, as a section of its own), each with its plain text.
 */
function sections(tree: Root): Section[] {
  const result: Section[] = []
  let current: Section | undefined
  let parts: string[] = []
  const close = () => {
    if (current) result.push({ ...current, text: parts.join(' ') })
    parts = []
  }
  for (const node of tree.children as RootContent[]) {
    if (node.type === 'yaml') continue
    if (node.type === 'heading' && node.depth === 1) {
      close()
      current = { id: node.data?.id ?? '', title: toString(node), text: '' }
      continue
    }
    current ??= { id: '', title: '', text: '' }
    parts.push(toString(node))
  }
  close()
  return result.filter((section) => section.id !== '' || section.text.trim() !== '')
}

/** Sections by heading id; one that lost its id where another gained one at the same place was renamed. */
function diffSections(a: Section[], b: Section[]): SectionChange[] {
  const before = new Map(a.map((section) => [section.id, section]))
  const afterIds = new Set(b.map((section) => section.id))
  const renamedFrom = new Map<string, Section>()
  b.forEach((section, index) => {
    const old = a[index]
    if (!before.has(section.id) && old && !afterIds.has(old.id)) renamedFrom.set(section.id, old)
  })
  const renamed = new Set([...renamedFrom.values()].map((section) => section.id))
  const changes: SectionChange[] = []
  for (const section of b) {
    const old = before.get(section.id) ?? renamedFrom.get(section.id)
    const words = countWords(diffWords(old?.text ?? '', section.text))
    if (!old) changes.push({ id: section.id, title: section.title, change: 'added', words })
    else if (old.id !== section.id) changes.push({ id: section.id, title: section.title, change: 'renamed', oldTitle: old.title, words })
    else if (words.added + words.removed > 0) changes.push({ id: section.id, title: section.title, change: 'changed', words })
  }
  for (const section of a.filter((section) => !afterIds.has(section.id) && !renamed.has(section.id))) {
    changes.push({ id: section.id, title: section.title, change: 'removed', words: countWords(diffWords(section.text, '')) })
  }
  return changes
}
