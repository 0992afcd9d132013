import type { Heading, Root, RootContent } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'

/**
 * Find the title of a source that does not state one, and make its
 * headings the report's sections, as Pandoc's `--shift-heading-level-by=-1`
 * and MyST read plain Markdown:
 *
 * - a `#` heading that opens the document and is its only one is the
 *   title; it leaves the body, since every edition prints the title
 *   itself. So does such a heading that repeats the front matter's title
 *   (or `title: subtitle`), which would otherwise be printed twice;
 * - with no such heading, the title is the file name (`cyber-playbook.md`
 *   → “Cyber playbook”);
 * - the top heading level left becomes `#`, so that `##` headings under a
 *   title heading are the sections.
 *
 * Runs after `remarkMeta` and before `remarkOutline`, so that anchors, the
 * outline and items' sections follow the shifted levels.
 */
export default function remarkTitle() {
  return (tree: Root, file: VFile) => {
    const meta = file.data.meta
    if (!meta) return
    const headings: Heading[] = []
    visit(tree, 'heading', (node) => {
      headings.push(node)
    })

    const first = tree.children.find((node) => node.type !== 'yaml' && !isComment(node))
    const soleFirst = first?.type === 'heading' && first.depth === 1 && headings.filter((node) => node.depth === 1).length === 1 ? first : undefined
    if (soleFirst) {
      const text = toString(soleFirst).trim()
      const repeats = [meta.title, meta.subtitle ? `${meta.title}: ${meta.subtitle}` : ''].some((title) => title && comparable(title) === comparable(text))
      if (!meta.title || repeats) {
        meta.title ||= text
        tree.children.splice(tree.children.indexOf(soleFirst), 1)
        headings.splice(headings.indexOf(soleFirst), 1)
      }
    }
    meta.title ||= titleFromFileName(file)
    meta.shortTitle ||= meta.title

    const shift = headings.reduce((least, node) => Math.min(least, node.depth), 6) - 1
    if (headings.length > 0 && shift > 0) {
      for (const node of headings) node.depth = (node.depth - shift) as Heading['depth']
    }
  }
}

/** An HTML comment before the first heading (`<!-- markdownlint-disable -->`) does not stop it being first. */
function isComment(node: RootContent): boolean {
  return node.type === 'html' && /^<!--[\s\S]*-->$/.test(node.value.trim())
}

/** Titles compared as a reader would: case, spacing and the shape of quotes aside. */
function comparable(text: string): string {
  return text.replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, ' ').trim().toLowerCase()
}

/** `cyber-playbook.md` → “Cyber playbook”; the letters otherwise as written (`NIST_SP-800.md` → “NIST SP 800”). */
function titleFromFileName(file: VFile): string {
  const words = (file.stem ?? '').replace(/[-_\s]+/g, ' ').trim()
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'Untitled'
}
