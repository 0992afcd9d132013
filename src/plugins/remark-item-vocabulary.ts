import type {} from '../types.js'
import type { Root } from 'mdast'
import type { VFile } from 'vfile'
import { problem } from '../message.js'

const source = 'remark-item-vocabulary'

/**
 * Check that every item's audiences and themes are declared in the front
 * matter, so a typo (`audience=uss`) is caught instead of silently dropping
 * the item from a memo. Recommendations must name at least one audience.
 */
export default function remarkItemVocabulary() {
  return (_tree: Root, file: VFile) => {
    const meta = file.data.meta
    const items = file.data.items ?? []
    if (!meta) return
    const audiences = new Set(meta.audiences.map((a) => a.id))
    const themes = new Set(meta.themes.map((t) => t.id))
    const list = (ids: Set<string>) => [...ids].map((id) => '`' + id + '`').join(', ') || 'none (declare them in the front matter)'
    for (const item of items) {
      const place = item.position
      for (const audience of item.audiences) {
        if (!audiences.has(audience)) {
          problem(file, `Unknown audience \`${audience}\` on \`${item.id}\`, expected one declared in the front matter: ${list(audiences)}`, place, 'item-audience-unknown', { source })
        }
      }
      for (const theme of item.themes) {
        if (!themes.has(theme)) {
          problem(file, `Unknown theme \`${theme}\` on \`${item.id}\`, expected one declared in the front matter: ${list(themes)}`, place, 'item-theme-unknown', { source })
        }
      }
      if (item.kind === 'recommendation' && item.audiences.length === 0) {
        problem(file, `Missing audience on recommendation \`${item.id}\`, expected \`audience="…"\` with one of ${list(audiences)}`, place, 'item-audience-missing', { source })
      }
    }
  }
}
