import type { ListItem, Nodes, Root, RootContent } from 'mdast'
import type { TextDirective } from 'mdast-util-directive'
import { toString } from 'mdast-util-to-string'
import { visit } from 'unist-util-visit'
import { visitParents } from 'unist-util-visit-parents'
import type { VFile } from 'vfile'
import { problem } from '../message.js'
import type { ItemKind, ReportItem } from '../types.js'

const source = 'remark-items'

/** The directive names that mark an item, and the kind each one makes. */
export const itemKinds: Record<string, ItemKind> = {
  finding: 'finding',
  objective: 'objective',
  recommendation: 'recommendation'
}

/** True for a directive name that marks an item (own keys only: not `constructor`). */
export function isItemKind(name: string): boolean {
  return Object.hasOwn(itemKinds, name)
}

/**
 * Read findings, objectives and recommendations into `file.data.items`
 * (their ids are checked by `remarkItemIds`).
 *
 * An item is a list item that starts with a text directive whose label is
 * the item's lead: `1. :finding[Lead:]{#id themes="a b"} Body…`. The label
 * (`2.a`) comes from the item's place in its lists, so inserting an item
 * renumbers labels but never changes ids. The directive becomes the bold
 * lead and the list item its anchor.
 */
export default function remarkItems() {
  return (tree: Root, file: VFile) => {
    const items: ReportItem[] = []
    let section = { id: '', title: '' }

    visitParents(tree, (node, ancestors) => {
      if (node.type === 'heading' && node.depth === 1) {
        section = { id: node.data?.id ?? '', title: toString(node) }
        return
      }
      if (node.type !== 'textDirective' || !isItemKind(node.name)) return
      const kind = itemKinds[node.name]
      const paragraph = ancestors[ancestors.length - 1]
      const listItem = ancestors[ancestors.length - 2]
      if (!listItem || listItem.type !== 'listItem' || paragraph.type !== 'paragraph' || listItem.children[0] !== paragraph || firstMeaningful(paragraph.children) !== node) {
        problem(file, `Unexpected \`:${node.name}\` here, expected it at the start of a list item`, node, 'item-placement', { source })
        return
      }
      const id = node.attributes?.id ?? ''
      const lead = toString(node).trim()
      node.data = { ...node.data, hName: 'strong', hProperties: { className: ['lead'] } }
      if (id) {
        listItem.data = { ...listItem.data, itemId: id, hProperties: { ...listItem.data?.hProperties, id, className: ['item', kind] } }
      }
      items.push({
        id,
        kind,
        label: labelOf(ancestors),
        audiences: words(node.attributes?.audience ?? node.attributes?.audiences),
        themes: words(node.attributes?.themes ?? node.attributes?.theme),
        lead,
        body: { text: bodyText(listItem, node), markdown: bodyMarkdown(listItem, node, String(file.value)) },
        section,
        position: {
          start: { line: node.position!.start.line, column: node.position!.start.column, offset: node.position!.start.offset ?? 0 },
          end: { line: listItem.position!.end.line, column: listItem.position!.end.column, offset: listItem.position!.end.offset ?? 0 }
        }
      })
    })
    file.data.items = items
  }
}

function firstMeaningful(children: RootContent[]): RootContent | undefined {
  return children.find((child) => !(child.type === 'text' && child.value.trim() === ''))
}

/** Split an attribute such as `themes="norms, sanctions"` into words. */
function words(value: string | null | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean)
}

/** `1`, `2.a`, `2.a.i`: numbers at the first level, letters below. */
function labelOf(ancestors: Nodes[]): string {
  const parts: string[] = []
  for (let index = 1; index < ancestors.length; index++) {
    const list = ancestors[index - 1]
    const item = ancestors[index]
    if (list.type !== 'list' || item.type !== 'listItem' || !list.ordered) continue
    const ordinal = (list.start ?? 1) + list.children.indexOf(item)
    const level = parts.length
    parts.push(level === 0 ? String(ordinal) : level === 1 ? letter(ordinal) : roman(ordinal))
  }
  return parts.join('.')
}

function letter(ordinal: number): string {
  let result = ''
  for (let n = ordinal; n > 0; n = Math.floor((n - 1) / 26)) result = String.fromCharCode(97 + ((n - 1) % 26)) + result
  return result
}

function roman(ordinal: number): string {
  const table: Array<[number, string]> = [[1000, 'm'], [900, 'cm'], [500, 'd'], [400, 'cd'], [100, 'c'], [90, 'xc'], [50, 'l'], [40, 'xl'], [10, 'x'], [9, 'ix'], [5, 'v'], [4, 'iv'], [1, 'i']]
  let result = ''
  let n = ordinal
  for (const [value, digits] of table) for (; n >= value; n -= value) result += digits
  return result
}

/**
 * Read each item's body text again from the tree, for a plugin that has
 * changed it since (cross-references given their labels).
 */
export function refreshBodyText(tree: Root, file: VFile): void {
  const items = new Map((file.data.items ?? []).map((item) => [item.id, item]))
  visit(tree, 'listItem', (node) => {
    const item = node.data?.itemId ? items.get(node.data.itemId) : undefined
    const head = node.children[0]
    const lead = head?.type === 'paragraph' ? head.children.find((child) => child.type === 'textDirective' && isItemKind(child.name)) : undefined
    if (!item || lead?.type !== 'textDirective') return
    item.body.text = bodyText(node, lead)
    items.delete(item.id)
  })
}

/** The item's text after its lead, paragraphs separated by blank lines. */
function bodyText(listItem: ListItem, lead: TextDirective): string {
  const blocks: string[] = []
  const walk = (node: Nodes): string =>
    node === lead ? '' : 'children' in node ? node.children.map(walk).join('') : 'value' in node ? node.value : ''
  const block = (node: Nodes) => {
    if (node.type === 'list') node.children.forEach(block)
    else if (node.type === 'listItem') node.children.forEach(block)
    else blocks.push(walk(node).replace(/\s+/g, ' ').trim())
  }
  listItem.children.forEach(block)
  return blocks.filter(Boolean).join('\n\n')
}

/** The item's Markdown after its lead, with the list indentation removed. */
function bodyMarkdown(listItem: ListItem, lead: TextDirective, value: string): string {
  const from = lead.position?.end.offset
  const to = listItem.position?.end.offset
  if (from === undefined || to === undefined) return ''
  const indent = (listItem.children[0]?.position?.start.column ?? 1) - 1
  const strip = new RegExp(`^ {0,${indent}}`)
  return value
    .slice(from, to)
    .split('\n')
    .map((line, index) => (index === 0 ? line : line.replace(strip, '')))
    .join('\n')
    .trim()
}
