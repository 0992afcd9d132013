import type { Root } from 'mdast'
import type { Position } from 'unist'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { location } from 'vfile-location'
import { problem } from '../message.js'

const source = 'remark-foreign-syntax'

/**
 * Syntax of other tools (Pandoc, Quarto, R Markdown) that CommonMark and
 * GFM read as plain text: each edition would print it as written. Found in
 * the text as the parser left it, so nothing inside code is taken for it.
 */
const patterns: Array<{ pattern: RegExp; rule: string; reason: (found: string) => string }> = [
  {
    pattern: /\^\[/g,
    rule: 'syntax-inline-note',
    reason: () => 'Unexpected inline footnote `^[…]` (Pandoc), which every edition would print as written, expected a footnote reference `[^id]` with its definition `[^id]: …` on a line of its own'
  },
  {
    pattern: /^:::+ *\{[^}\n]*\}/g,
    rule: 'syntax-fenced-div',
    reason: (found) => `Unexpected fenced div \`${found}\` (Pandoc, Quarto), which every edition would print as written, expected a directive dossier reads (\`:::finding\`) or the text alone`
  },
  {
    pattern: /\[-?@[\w:.#$%&+?<>~/-]+[^\]\n]*\]/g,
    rule: 'syntax-citation',
    reason: (found) => `Unexpected citation \`${found}\` (Pandoc), which every edition would print as written: dossier reads no bibliography, expected the reference written out, or a footnote`
  }
]

/**
 * Warn where a source written for another tool uses syntax dossier does
 * not read, so that it is not published as stray brackets and colons: an
 * inline footnote `^[…]`, a fenced div `::: {.callout-note}`, a citation
 * `[@smith2020]`, a code chunk that would be run (```` ```{python} ````).
 */
export default function remarkForeignSyntax() {
  return (tree: Root, file: VFile) => {
    const text = String(file.value)
    const place = location(file)
    visit(tree, (node) => {
      if (node.type === 'code' && node.lang?.startsWith('{')) {
        problem(file, `Unexpected code chunk \`${node.lang}\` (Quarto, R Markdown), which dossier prints and never runs, expected its output pasted in, or a language name alone (\`${node.lang.replace(/^\{([\w-]+).*$/, '$1')}\`) to show the code`, node, 'syntax-code-chunk', { source, fatal: false })
      }
      if (node.type !== 'text') return
      const start = node.position?.start.offset
      const end = node.position?.end.offset
      if (start === undefined || end === undefined) return
      const written = text.slice(start, end)
      for (const { pattern, rule, reason } of patterns) {
        for (const match of written.matchAll(pattern)) {
          // A fence is one only at the start of a line (the pattern finds it only at the text's start).
          if (rule === 'syntax-fenced-div' && node.position?.start.column !== 1) continue
          const from = place.toPoint(start + match.index)
          const to = place.toPoint(start + match.index + match[0].length)
          if (!from || !to) continue
          const position: Position = { start: from, end: to }
          problem(file, reason(match[0]), position, rule, { source, fatal: false })
        }
      }
    })
  }
}
