import type { Element, ElementContent, Root } from 'hast'

/**
 * Wrap each `h2` and the content up to the next one in a
 * `<section aria-labelledby>`, so the page's outline is its structure.
 */
export default function rehypeSections() {
  return (tree: Root) => {
    const children: Root['children'] = []
    let section: Element | undefined
    for (const child of tree.children) {
      if (child.type === 'element' && child.tagName === 'h2') {
        const id = child.properties.id
        const opened: Element = { type: 'element', tagName: 'section', properties: id ? { ariaLabelledBy: [String(id)] } : {}, children: [] }
        children.push(opened)
        section = opened
      }
      if (section && !(child.type === 'element' && child.properties.dataFootnotes !== undefined)) {
        section.children.push(child as ElementContent)
      } else {
        children.push(child)
      }
    }
    tree.children = children
  }
}
