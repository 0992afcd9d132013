import type {} from '../types.js'
import type { Root } from 'mdast'
import type { VFile } from 'vfile'
import { didYouMean } from '../did-you-mean.js'
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
    // Front matter that could not be read declares nothing: checking against
    // it would report every audience and theme, after the one real mistake.
    if (!meta || file.data.vocabularyUnread) return
    const audiences = new Set(meta.audiences.map((a) => a.id))
    const themes = new Set(meta.themes.map((t) => t.id))
    const list = (ids: Set<string>) => [...ids].map((id) => '`' + id + '`').join(', ') || 'none (declare them in the front matter)'
    const expected = (id: string, known: Set<string>) => {
      const meant = didYouMean(id, [...known])
      return meant ? `did you mean \`${meant}\`?` : `expected one declared in the front matter: ${list(known)}`
    }
    for (const item of items) {
      const place = item.position
      for (const audience of item.audiences) {
        if (!audiences.has(audience)) {
          problem(file, `Unknown audience \`${audience}\` on \`${item.id}\`, ${expected(audience, audiences)}`, place, 'item-audience-unknown', { source })
        }
      }
      for (const theme of item.themes) {
        if (!themes.has(theme)) {
          problem(file, `Unknown theme \`${theme}\` on \`${item.id}\`, ${expected(theme, themes)}`, place, 'item-theme-unknown', { source })
        }
      }
      if (item.kind === 'recommendation' && item.audiences.length === 0) {
        problem(file, `Missing audience on recommendation \`${item.id}\`, expected \`audience="…"\` with one of ${list(audiences)}`, place, 'item-audience-missing', { source })
      }
    }
  }
}
