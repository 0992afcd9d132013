import type { Element, Root } from 'hast'
import { SKIP, visit } from 'unist-util-visit'

/**
 * The page is one file that requests nothing. Images of the source are
 * inlined before this runs; an image of raw HTML that would still be
 * fetched (`<img src>` not a `data:` URL, `srcset`, `<picture><source>`)
 * is replaced by its alt text.
 */
export default function rehypeNoRequests() {
  return (tree: Root) => {
    visit(tree, 'element', (node: Element, index, parent) => {
      if (!parent || index === undefined) return
      if (node.tagName === 'source') {
        parent.children.splice(index, 1)
        return [SKIP, index]
      }
      if (node.tagName !== 'img') return
      delete node.properties.srcSet
      if (String(node.properties.src ?? '').startsWith('data:')) return
      const alt = String(node.properties.alt ?? '')
      parent.children.splice(index, 1, ...(alt ? [{ type: 'text' as const, value: alt }] : []))
      return [SKIP, index]
    })
  }
}
