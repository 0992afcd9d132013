import type { Root } from 'mdast'
import { visit } from 'unist-util-visit'
import type { Position } from 'unist'
import type { VFile } from 'vfile'
import { VFileMessage } from 'vfile-message'
import { problem } from '../message.js'
import type {} from '../types.js'

const source = 'remark-item-ids'

/**
 * Check the ids of items: each one written, and each one unique among
 * items, figures, tables and heading anchors, since it is the item's
 * anchor in every edition (`report.html#declared-policy`) and its key in
 * the data. A figure's or table's id, when it has one, is checked alike.
 */
export default function remarkItemIds() {
  return (tree: Root, file: VFile) => {
    const seen = new Map<string, VFileMessage>()
    visit(tree, 'heading', (node) => {
      const id = node.data?.id
      if (id && !seen.has(id)) seen.set(id, firstUse(`\`${id}\` is the anchor of this heading`, node.position))
    })
    for (const item of file.data.items ?? []) {
      if (!item.id) {
        problem(file, `Missing id on \`:${item.kind}\`, expected \`{#some-id}\` after its lead`, at(item.position.start), 'item-id-missing', { source })
      } else if (seen.has(item.id)) {
        problem(file, `Duplicate id \`${item.id}\`, expected each item id once and unlike any heading’s anchor`, at(item.position.start), 'item-id-duplicate', { source, cause: seen.get(item.id) })
      } else {
        seen.set(item.id, firstUse(`\`${item.id}\` first used here`, item.position))
      }
    }
    for (const figure of file.data.figures ?? []) {
      if (!figure.id) continue
      if (seen.has(figure.id)) {
        problem(file, `Duplicate id \`${figure.id}\` on ${figure.label}, expected each id once and unlike any heading’s anchor`, figure.position, 'item-id-duplicate', { source, cause: seen.get(figure.id) })
      } else {
        seen.set(figure.id, firstUse(`\`${figure.id}\` first used here`, figure.position))
      }
    }
  }
}

/** A place at one point: the start of the item's directive. */
function at(point: Position['start']): Position {
  return { start: point, end: point }
}

function firstUse(reason: string, place: Position | undefined): VFileMessage {
  return new VFileMessage(reason, { place, ruleId: 'item-id-duplicate', source })
}
