import GithubSlugger from 'github-slugger'
import type { Root } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import type { OutlineEntry } from '../types.js'

/**
 * Give every heading a stable anchor id (GitHub's slugs, so links that work
 * on a code host work in every edition) and list the headings in
 * `file.data.outline` for tables of contents and PDF bookmarks.
 */
export default function remarkOutline() {
  return (tree: Root, file: VFile) => {
    const slugger = new GithubSlugger()
    const outline: OutlineEntry[] = []
    visit(tree, 'heading', (node) => {
      const text = toString(node).trim()
      const id = slugger.slug(text)
      node.data = { ...node.data, id, hProperties: { ...node.data?.hProperties, id } }
      outline.push({ id, depth: node.depth, text })
    })
    file.data.outline = outline
  }
}
