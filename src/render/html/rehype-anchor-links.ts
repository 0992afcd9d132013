import type { Element, Root } from 'hast'
import { visit } from 'unist-util-visit'

/**
 * A link to each heading and item, for a reader to copy its address:
 * `<a class="anchor" href="#id">`, empty (the stylesheet draws its mark),
 * so the page's words stay the report's.
 */
export default function rehypeAnchorLinks() {
  return (tree: Root) => {
    visit(tree, 'element', (node: Element) => {
      const id = node.properties.id
      if (typeof id !== 'string' || !id) return
      const heading = /^h[2-6]$/.test(node.tagName)
      const item = node.tagName === 'li' && Array.isArray(node.properties.className) && node.properties.className.includes('item')
      if (!heading && !item) return
      const anchor: Element = {
        type: 'element',
        tagName: 'a',
        properties: { className: ['anchor'], href: `#${id}`, ariaLabel: heading ? 'Link to this section' : 'Link to this item' },
        children: []
      }
      if (heading) node.children.push(anchor)
      else node.children.unshift(anchor)
    })
  }
}
