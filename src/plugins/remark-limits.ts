import type { Nodes, Root } from 'mdast'
import type { VFile } from 'vfile'
import { defaultLimits, limitFlags, type Limits } from '../limits.js'
import { problem } from '../message.js'

const source = 'remark-limits'

/** Node types that nest: each one around a node is a level of depth. */
const nesting = new Set<string>([
  'blockquote', 'list', 'footnoteDefinition', 'emphasis', 'strong', 'delete', 'link', 'linkReference',
  'containerDirective', 'leafDirective', 'textDirective'
])

/**
 * Refuse a tree that goes over a limit: nested deeper than `depth`, a
 * table with more than `tableCells` cells, more than `footnotes`
 * footnotes. Each is an error at the first node over it, reported before
 * any other plugin walks the tree (the walks recurse). The walk here keeps
 * its own stack, so no depth overflows it.
 */
export default function remarkLimits(options: Partial<Limits> = {}) {
  const limits = { ...defaultLimits, ...options }
  return (tree: Root, file: VFile) => {
    let deepest: Nodes | undefined
    let footnotes = 0
    const stack: Array<{ node: Nodes; depth: number }> = [{ node: tree, depth: 0 }]
    while (stack.length > 0) {
      const { node, depth: above } = stack.pop()!
      const depth = above + (nesting.has(node.type) ? 1 : 0)
      if (depth > limits.depth && !deepest) deepest = node
      if (node.type === 'table') checkTable(node, file, limits)
      if (node.type === 'footnoteDefinition' && ++footnotes === limits.footnotes + 1) {
        problem(file, `Unexpected footnote number ${footnotes}, expected at most ${limits.footnotes} (${limitFlags.footnotes})`, node, 'limit-footnotes', { source })
      }
      if ('children' in node && !deepest) {
        for (let index = node.children.length - 1; index >= 0; index--) stack.push({ node: node.children[index], depth })
      }
    }
    if (deepest) reportDepth(file, deepest, limits.depth)
  }
}

/** The nesting problem, at a node or at a point the scan before parsing found. */
export function reportDepth(file: VFile, place: Parameters<typeof problem>[2], limit: number): void {
  problem(
    file,
    `Unexpected nesting deeper than ${limit} levels (block quotes, lists, emphasis and links inside one another), expected at most ${limit} (${limitFlags.depth})`,
    place,
    'limit-depth',
    { source }
  )
}

function checkTable(node: Extract<Nodes, { type: 'table' }>, file: VFile, limits: Limits): void {
  const cells = node.children.reduce((sum, row) => sum + row.children.length, 0)
  if (cells <= limits.tableCells) return
  problem(file, `Unexpected table of ${cells} cells, expected at most ${limits.tableCells} (${limitFlags.tableCells}); split it into smaller tables`, node, 'limit-table', { source })
}
