import type { Root } from 'mdast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { didYouMean } from '../did-you-mean.js'
import { labelDefaults, type Labels } from '../labels.js'
import { problem } from '../message.js'
import { safeDecode } from '../text.js'
import type { TargetKind } from '../types.js'
import { isItemKind, refreshBodyText } from './remark-items.js'

const source = 'remark-cross-references'

export interface CrossReferenceOptions {
  /** The words a reference says. Default: dossier's (`Recommendation`, `Figure`…). */
  labels?: Labels
}

/**
 * Links to `#id` inside the report. Each must reach a heading, an item, a
 * figure or a table, or it is a warning (with the nearest id, when one is
 * close). A link with no text of its own (`[](#declared-policy)`) gets its
 * target's label as its text: “Recommendation 2.a”, “Finding 3”,
 * “Section 4”, “Figure 2”, “Table 1”. The labels are computed from where
 * the targets are, so they follow when an item is inserted; every edition
 * then sets the link as any other. Runs after items and figures are known.
 */
export default function remarkCrossReferences(options: CrossReferenceOptions = {}) {
  const labels = options.labels ?? labelDefaults
  return (tree: Root, file: VFile) => {
    const targets = new Map<string, { kind: TargetKind; label: string }>()
    const counters: number[] = []
    for (const entry of file.data.outline ?? []) {
      counters.length = entry.depth
      counters[entry.depth - 1] = (counters[entry.depth - 1] ?? 0) + 1
      // A level skipped (`#` then `###`) counts as 0, as Pandoc numbers it.
      const number = Array.from(counters, (count) => count ?? 0).join('.')
      if (!targets.has(entry.id)) targets.set(entry.id, { kind: 'section', label: `${labels.section} ${number}` })
    }
    for (const item of file.data.items ?? []) {
      if (item.id && !targets.has(item.id)) targets.set(item.id, { kind: item.kind, label: `${labels[item.kind]} ${item.label}` })
    }
    for (const figure of file.data.figures ?? []) {
      if (figure.id && !targets.has(figure.id)) targets.set(figure.id, { kind: figure.kind, label: figure.label })
    }

    // Ids on directives dossier does not know (`:recomendation[…]{#id}`):
    // that slip is reported once, by the directive fallback, not again at
    // every link to the item it meant.
    const reported = new Set<string>()
    visit(tree, (node) => {
      if ((node.type === 'textDirective' || node.type === 'leafDirective' || node.type === 'containerDirective') && !isItemKind(node.name) && node.attributes?.id) reported.add(node.attributes.id)
    })

    let labelled = false
    visit(tree, 'link', (node) => {
      if (!node.url.startsWith('#')) return
      const id = safeDecode(node.url.slice(1))
      const target = targets.get(id)
      const empty = node.children.every((child) => child.type === 'text' && child.value.trim() === '')
      if (!target && reported.has(id)) return
      if (!target) {
        const meant = didYouMean(id, [...targets.keys()])
        const hint = meant ? `, did you mean \`#${meant}\`?` : ''
        problem(file, `Unknown anchor \`${node.url}\`, expected the id of a heading, an item, a figure or a table${hint}`, node, 'link-anchor-unknown', { source, fatal: false })
        // A reference to nothing still shows what was written, rather than vanish.
        if (empty) node.children = [{ type: 'text', value: node.url }]
        return
      }
      if (!empty) return
      node.children = [{ type: 'text', value: target.label }]
      node.data = { ...node.data, crossReference: target.kind }
      labelled = true
    })
    // Items' text was read before the references had their labels.
    if (labelled) refreshBodyText(tree, file)
  }
}
