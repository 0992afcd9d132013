import type { Root } from 'hast'
import { visit } from 'unist-util-visit'

/**
 * A task list's checkboxes (`- [x] …`) get a name, which a form control
 * needs (WCAG 4.1.2): “Task”, with its state (checked or not) said by
 * the checkbox itself and its words by the item that follows.
 */
export default function rehypeTaskLabels(options: { label?: string } = {}) {
  const label = options.label ?? 'Task'
  return (tree: Root) => {
    visit(tree, 'element', (node) => {
      if (node.tagName === 'input' && node.properties.type === 'checkbox' && !node.properties.ariaLabel) node.properties.ariaLabel = label
    })
  }
}
