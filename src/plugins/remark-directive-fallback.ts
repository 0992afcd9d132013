import type {} from '../types.js'
import type { Root } from 'mdast'
import { SKIP, visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { didYouMean } from '../did-you-mean.js'
import { problem } from '../message.js'
import { isItemKind, itemKinds } from './remark-items.js'

const source = 'remark-directive-fallback'

/**
 * Directives dossier does not know are put back as the text the author
 * typed (a `:30` in "Note:30" is not meant as markup) with a warning, so
 * no edition loses words.
 */
export default function remarkDirectiveFallback() {
  return (tree: Root, file: VFile) => {
    const value = String(file.value)
    visit(tree, (node, index, parent) => {
      if (node.type !== 'textDirective' && node.type !== 'leafDirective' && node.type !== 'containerDirective') return
      if (node.type === 'textDirective' && isItemKind(node.name)) return
      // A bare `:name` with no label or attributes is prose ("at 10:30"), not markup.
      const bare = node.type === 'textDirective' && node.children.length === 0 && Object.keys(node.attributes ?? {}).length === 0
      const kept = node.type === 'containerDirective' ? 'its content kept' : 'kept as text'
      if (!bare) {
        const meant = didYouMean(node.name, Object.keys(itemKinds))
        // A slip of an item's kind would publish the directive as text and lose the item: an error.
        if (meant) problem(file, `Unknown directive \`:${node.name}\`, did you mean \`:${meant}\`?`, node, 'directive-misspelled', { source })
        else problem(file, `Unknown directive \`${node.name}\`, ${kept}; expected one of ${Object.keys(itemKinds).map((k) => '`:' + k + '`').join(', ')}`, node, 'directive-unknown', { source, fatal: false })
      }
      if (!parent || index === undefined) return
      const start = node.position?.start.offset
      const end = node.position?.end.offset
      const text = start !== undefined && end !== undefined ? value.slice(start, end) : ':' + node.name
      if (node.type === 'textDirective') {
        parent.children[index] = { type: 'text', value: text, position: node.position }
      } else if (node.type === 'leafDirective') {
        parent.children[index] = { type: 'paragraph', children: [{ type: 'text', value: text }], position: node.position }
      } else {
        parent.children.splice(index, 1, ...node.children)
        return [SKIP, index]
      }
      return SKIP
    })
  }
}
