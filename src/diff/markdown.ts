import type { ItemKind } from '../types.js'
import type { ItemChange, ItemChangeKind, ReportDiff, SectionChange } from './index.js'
import type { MemoChange } from './memos.js'
import type { WordRun } from './words.js'

/** Words of context kept around each change in a body. */
const context = 8

const plural: Record<ItemKind, string> = { finding: 'Findings', objective: 'Objectives', recommendation: 'Recommendations' }
const order: ItemChangeKind[] = ['added', 'removed', 'moved', 'relabelled', 'reworded', 'retagged']

/**
 * The diff as Markdown, for a pull request's comment or a job summary:
 * a summary line, then each changed item, section, memo and front matter
 * value. Deleted words are struck through, inserted words set in bold.
 */
export function diffToMarkdown(diff: ReportDiff): string {
  const lines = [`## What changed in “${escape(diff.new.title)}”`, '', `\`${diff.old.source}\` → \`${diff.new.source}\``, '']
  const summary = summarize(diff)
  if (!summary) return [...lines, 'No change in substance: the front matter, sections, findings, objectives, recommendations and memos are as they were.', ''].join('\n')
  lines.push(summary, '')
  for (const kind of Object.keys(plural) as ItemKind[]) {
    const items = diff.items.filter((item) => item.kind === kind)
    if (items.length > 0) lines.push(`### ${plural[kind]}`, '', ...items.flatMap(itemLines), '')
  }
  if (diff.sections.length > 0) lines.push('### Sections', '', ...diff.sections.map(sectionLine), '')
  if (diff.memos.length > 0) lines.push('### Memos', '', ...diff.memos.map(memoLine), '')
  if (diff.meta.length > 0) lines.push('### Front matter', '', ...diff.meta.map((change) => `- \`${change.key}\`: ${value(change.old)} → ${value(change.new)}`), '')
  return lines.join('\n')
}

/** `Recommendations: 1 added, 2 relabelled. Sections: 1 changed. Memos: 2 change.`; empty when nothing changed. */
function summarize(diff: ReportDiff): string {
  const parts: string[] = []
  for (const kind of Object.keys(plural) as ItemKind[]) {
    const items = diff.items.filter((item) => item.kind === kind)
    const counts = order.map((change) => [change, items.filter((item) => item.changes.includes(change)).length] as const).filter(([, count]) => count > 0)
    if (counts.length > 0) parts.push(`**${plural[kind]}:** ${counts.map(([change, count]) => `${count} ${change}`).join(', ')}.`)
  }
  if (diff.sections.length > 0) parts.push(`**Sections:** ${diff.sections.length} changed.`)
  if (diff.memos.length > 0) parts.push(`**Memos:** ${ids(diff.memos.map((memo) => memo.id))} change${diff.memos.length === 1 ? 's' : ''}.`)
  if (diff.meta.length > 0) parts.push(`**Front matter:** ${diff.meta.map((change) => `\`${change.key}\``).join(', ')}.`)
  return parts.join(' ')
}

function itemLines(item: ItemChange): string[] {
  const changes = item.changes.map((change, index) => (index === 0 ? change[0].toUpperCase() + change.slice(1) : change)).join(', ')
  const label = item.label.old && item.label.new && item.label.old !== item.label.new ? `${item.label.old} → ${item.label.new}` : (item.label.new ?? item.label.old)
  const moved = item.changes.includes('moved') && item.section.old !== item.section.new ? ` (from “${escape(item.section.old ?? '')}” to “${escape(item.section.new ?? '')}”)` : ''
  const lines = [`- **${changes}** ${label} \`${item.id}\`${moved}: ${escape(item.lead)}`]
  if (item.wording?.lead) lines.push(`  - Lead: ${words(item.wording.lead, Infinity)}`)
  if (item.wording?.body) lines.push(`  - Body: ${words(item.wording.body, context)}`)
  if (item.tags) {
    for (const key of ['audiences', 'themes'] as const) {
      const [before, after] = [item.tags.old[key], item.tags.new[key]]
      if (before.join() !== after.join()) lines.push(`  - ${key[0].toUpperCase() + key.slice(1)}: ${ids(before)} → ${ids(after)}`)
    }
  }
  return lines
}

function sectionLine(section: SectionChange): string {
  const counts = `${section.words.added} word${section.words.added === 1 ? '' : 's'} added, ${section.words.removed} removed`
  const title = `“${escape(section.title || 'Text before the first section')}”`
  if (section.change === 'renamed') return `- **Renamed** “${escape(section.oldTitle ?? '')}” → ${title}: ${counts}`
  return `- **${section.change[0].toUpperCase() + section.change.slice(1)}** ${title}: ${counts}`
}

function memoLine(memo: MemoChange): string {
  const parts = [
    memo.added.length > 0 && `takes ${ids(memo.added)}`,
    memo.removed.length > 0 && `no longer takes ${ids(memo.removed)}`,
    memo.changed.length > 0 && `${ids(memo.changed)} read${memo.changed.length === 1 ? 's' : ''} differently`,
    memo.bottomLine && 'its bottom line changes',
    memo.header && 'its DATE or closing line changes'
  ].filter(Boolean)
  return `- \`${memo.id}\` (${escape(memo.to)}): ${parts.join('; ')}`
}

/** A word diff as Markdown; equal runs longer than twice `keep` words are cut to `keep` words either side of a change. */
function words(runs: WordRun[], keep: number): string {
  return runs
    .map((run, index) => {
      const [, space, text] = /^(\s*)([\s\S]*)$/.exec(run.text)!
      if (run.op === 'delete') return `${space}~~${escape(text)}~~`
      // Words replacing the text's first words follow the struck ones after a space.
      if (run.op === 'insert') return `${space || (runs[index - 1]?.op === 'delete' && /^[\p{L}\p{N}]/u.test(text) ? ' ' : '')}**${escape(text)}**`
      const all = run.text.match(/\s?\S+/g) ?? []
      const head = index === 0 ? 0 : keep
      const tail = index === runs.length - 1 ? 0 : keep
      if (all.length <= head + tail) return escape(run.text)
      return `${escape(all.slice(0, head).join(''))} …${escape(all.slice(all.length - tail).join(''))}`
    })
    .join('')
    .trim()
}

function ids(values: string[]): string {
  return values.length > 0 ? values.map((id) => `\`${id}\``).join(', ') : 'none'
}

function value(data: unknown): string {
  return data === undefined ? 'none' : `\`${typeof data === 'string' ? data : JSON.stringify(data)}\``
}

/** Text with Markdown's own characters escaped, so the report's words print as written. */
function escape(text: string): string {
  return text.replace(/[\\`*_~[\]<>|#]/g, '\\$&')
}
