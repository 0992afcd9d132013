import type { Root } from 'mdast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { problem } from '../message.js'
import { safeDecode } from '../text.js'
import type {} from '../types.js'

const source = 'remark-link-anchors'

/**
 * Check that every link to `#something` reaches a heading or an item, so
 * a renamed heading or a mistyped id is caught before any edition ships
 * with a dead link.
 */
export default function remarkLinkAnchors() {
  return (tree: Root, file: VFile) => {
    const anchors = new Set([
      ...(file.data.outline ?? []).map((entry) => entry.id),
      ...(file.data.items ?? []).map((item) => item.id)
    ])
    visit(tree, 'link', (node) => {
      if (!node.url.startsWith('#')) return
      const id = safeDecode(node.url.slice(1))
      if (!anchors.has(id)) {
        problem(file, `Unknown anchor \`${node.url}\`, expected the id of a heading or an item`, node, 'link-anchor-unknown', { source, fatal: false })
      }
    })
  }
}
