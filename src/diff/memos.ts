import { VFile } from 'vfile'
import { reportData } from '../pipeline.js'
import { memoHeader } from '../render/memo/content.js'
import { selectContent } from '../render/memo/select.js'
import { sentences } from '../render/memo/sentences.js'
import { loadMemoTemplates } from '../render/memo/template.js'
import type { MemoTemplate } from '../render/memo/types.js'
import type { ReportVersion } from './index.js'

/** How one memo's content changes: what its template takes from the report, before any condensing. */
export interface MemoChange {
  id: string
  /** Whom it is for (MEMORANDUM FOR). */
  to: string
  /** Ids of findings and recommendations it takes now and did not take before. */
  added: string[]
  /** Ids it took before and takes no more. */
  removed: string[]
  /** Ids it keeps whose label, lead or first sentence (its rationale) changed. */
  changed: string[]
  /** The sentences of its bottom line changed. */
  bottomLine: boolean
  /** Its DATE line or its closing line (title, organization, date, URL) changed. */
  header: boolean
}

/** What a memo shows of a report, item by item. */
interface MemoInput {
  header: string
  bottomLine: string
  items: Map<string, string>
}

/**
 * Which memos change between two versions, with the memo templates as
 * they are now: each template's selection is made from both versions, as
 * the memo renderer makes it, and compared. Problems in the templates are
 * `dossier check`'s to report, not the diff's.
 */
export async function diffMemos(before: ReportVersion, after: ReportVersion, templatesDir: string): Promise<MemoChange[]> {
  const templates = await loadMemoTemplates(new VFile(), templatesDir).catch(() => [])
  const changes: MemoChange[] = []
  for (const template of templates) {
    const [a, b] = [memoInput(before, template), memoInput(after, template)]
    const change: MemoChange = {
      id: template.id,
      to: template.to,
      added: [...b.items.keys()].filter((id) => !a.items.has(id)),
      removed: [...a.items.keys()].filter((id) => !b.items.has(id)),
      changed: [...b.items].filter(([id, shown]) => a.items.has(id) && a.items.get(id) !== shown).map(([id]) => id),
      bottomLine: a.bottomLine !== b.bottomLine,
      header: a.header !== b.header
    }
    if (change.added.length + change.removed.length + change.changed.length > 0 || change.bottomLine || change.header) changes.push(change)
  }
  return changes
}

function memoInput(version: ReportVersion, template: MemoTemplate): MemoInput {
  const report = reportData(version.file)
  const { meta } = report
  const selection = selectContent(new VFile(), version.tree, report, template)
  const shown = (item: { label: string; lead: string; body: { text: string } }) => JSON.stringify([item.label, item.lead, sentences(item.body.text)[0] ?? ''])
  return {
    header: JSON.stringify([memoHeader(template, meta.date ?? '', meta.language), meta.title, meta.subtitle, meta.organization, meta.date, meta.url]),
    bottomLine: JSON.stringify(selection.bottomLine),
    items: new Map([...selection.findings, ...selection.recommendations].map((item) => [item.id, shown(item)]))
  }
}
