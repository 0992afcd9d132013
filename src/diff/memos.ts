import { VFile } from 'vfile'
import { reportData } from '../pipeline.js'
import { memoHeader, reasons } from '../render/memo/content.js'
import { selectContent } from '../render/memo/select.js'
import { loadMemoDefinitions } from '../render/memo/definitions.js'
import type { MemoDefinition } from '../render/memo/types.js'
import type { ReportItem } from '../types.js'
import type { ReportVersion } from './index.js'

/** How one memo's content changes: what its definition takes from the report, before any condensing. */
export interface MemoChange {
  id: string
  /** Whom it is for (MEMORANDUM FOR). */
  to: string
  /** Ids of findings and recommendations it takes now and did not take before. */
  added: string[]
  /** Ids it took before and takes no more. */
  removed: string[]
  /** Ids it keeps whose place, label, lead or reasons (the sentences it may quote) changed. */
  changed: string[]
  /** Its bottom line changed: the ask (from its first recommendations' leads) or the sentences it quotes. */
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
 * Which memos change between two versions, with the memo definitions
 * beside the new one as they are now: each definition's selection is made
 * from both versions, as the memo renderer makes it, and compared.
 * Problems in the definitions are `dossier check`'s to report, not the
 * diff's.
 */
export async function diffMemos(before: ReportVersion, after: ReportVersion): Promise<MemoChange[]> {
  const definitions = await loadMemoDefinitions(new VFile(), after.file.path)
  const changes: MemoChange[] = []
  for (const definition of definitions) {
    const [a, b] = [memoInput(before, definition), memoInput(after, definition)]
    const change: MemoChange = {
      id: definition.id,
      to: definition.to,
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

function memoInput(version: ReportVersion, definition: MemoDefinition): MemoInput {
  const report = reportData(version.file)
  const { meta } = report
  const selection = selectContent(new VFile(), version.tree, report, definition)
  // The ask is composed from the leads of the memo's first recommendations.
  const ask = definition.bottomLine.text ?? selection.recommendations.slice(0, definition.bottomLine.asks).map((item) => item.lead)
  // An item as the memo may show it: where it stands, its label, lead and reasons.
  const shown = (item: ReportItem, index: number) => JSON.stringify([index, item.label, item.lead, reasons(item)])
  return {
    header: JSON.stringify([memoHeader(definition, meta.date ?? '', meta.language), meta.title, meta.subtitle, meta.organization, meta.date, meta.url]),
    bottomLine: JSON.stringify([ask, selection.support]),
    items: new Map([selection.findings, selection.recommendations].flatMap((items) => items.map((item, index) => [item.id, shown(item, index)] as const)))
  }
}
