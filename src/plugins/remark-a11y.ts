import type { Heading, Root } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { problem } from '../message.js'

const source = 'remark-a11y'

/** Link texts that say nothing of where a link goes, once case and punctuation are set aside. */
const vagueLinkTexts = new Set(['here', 'click here', 'click', 'this', 'this link', 'link', 'more', 'read more', 'learn more', 'go', 'see here'])

/**
 * Warn where the source makes an edition hard to read with a screen
 * reader: an image with no alt text (the figure says nothing, and the
 * tagged PDF must leave it out as decoration), a table whose header row
 * is empty (its cells are read without their columns' names; an HTML
 * table with no header cells gets an empty one), a heading that skips a
 * level (readers list and jump between headings by level), and a link
 * whose text is only “here” or “link” (readers list links by their text).
 */
export default function remarkA11y() {
  return (tree: Root, file: VFile) => {
    // The title is the editions' first heading; sections (depth 1) come right below it.
    let previous: Heading | undefined
    visit(tree, (node) => {
      if (node.type === 'image' || node.type === 'imageReference') {
        if (!node.alt?.trim()) {
          problem(file, 'Unexpected image without alt text, expected a short description of what it shows (`![What it shows](…)`): screen readers read it, and print sets it as the caption', node, 'image-alt-missing', { source, fatal: false })
        }
      }
      if (node.type === 'table') {
        const [header] = node.children
        if (!header || header.children.every((cell) => !toString(cell).trim())) {
          problem(file, 'Unexpected table without a header row, expected a first row naming its columns: screen readers read every cell with its column’s name', node, 'table-header-missing', { source, fatal: false })
        }
      }
      if (node.type === 'heading') {
        const above = previous?.depth ?? 0
        if (node.depth > above + 1) {
          const after = previous ? `the heading “${toString(previous)}” ${level(previous, file)}` : 'the title'
          problem(file, `Unexpected heading “${toString(node)}” ${level(node, file)} ${node.depth - above} levels below ${after}, expected one level below at most: screen readers list and jump between headings by level`, node, 'heading-level-skipped', { source, fatal: false })
        }
        previous = node
      }
      if (node.type === 'link' || node.type === 'linkReference') {
        const text = toString(node).toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()
        if (vagueLinkTexts.has(text)) {
          problem(file, `Unexpected link text “${toString(node).trim()}”, expected words that say where it leads: screen readers list links by their text alone`, node, 'link-text-vague', { source, fatal: false })
        }
      }
    })
  }
}

/** How the heading is written: `(###)`, `(<h3>)`, or nothing for an underlined one. */
function level(node: Heading, file: VFile): string {
  const offset = node.position?.start.offset
  const written = offset === undefined ? '' : String(file.value).slice(offset, offset + 8)
  const atx = /^#{1,6}/.exec(written)?.[0] ?? /^<h[1-6]/i.exec(written)?.[0].concat('>')
  return atx ? `(\`${atx}\`)` : ''
}
