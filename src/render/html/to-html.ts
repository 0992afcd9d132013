import type { Root as HastRoot } from 'hast'
import type { Root } from 'mdast'
import { defaultHandlers, type Handlers } from 'mdast-util-to-hast'
import rehypeRaw from 'rehype-raw'
import remarkRehype from 'remark-rehype'
import rehypeSanitize, { defaultSchema, type Options as Schema } from 'rehype-sanitize'
import rehypeStringify from 'rehype-stringify'
import { unified } from 'unified'
import rehypeSections from './rehype-sections.js'

/** mdast handlers that differ from the defaults. */
const handlers: Partial<Handlers> = {
  // The report's title is the page's h1, so the source's `#` sections are h2.
  heading(state, node) {
    const element = defaultHandlers.heading(state, node)
    element.tagName = `h${Math.min(6, node.depth + 1)}`
    return element
  },
  // The front matter is data, not content.
  yaml() {
    return undefined
  }
}

/**
 * What raw HTML in a source may keep: the default GitHub-like schema, plus
 * the ids and classes dossier's own markup carries. Ids are not prefixed,
 * so `report.html#declared-policy` works.
 */
const schema: Schema = {
  ...defaultSchema,
  clobberPrefix: '',
  attributes: {
    ...defaultSchema.attributes,
    '*': [...(defaultSchema.attributes?.['*'] ?? []), 'className', 'id', 'ariaLabelledBy'],
    // The default allows only `task-list-item` here; items add `item finding`.
    li: ['className']
  },
  tagNames: [...(defaultSchema.tagNames ?? []), 'section']
}

const processor = unified()
  // mdast to hast. Raw HTML is carried over, to be parsed and sanitized next.
  .use(remarkRehype, { allowDangerousHtml: true, handlers, footnoteLabel: 'Notes', clobberPrefix: '' })
  // Raw HTML in the source becomes real nodes, then is sanitized: no
  // scripts, no event handlers, no `javascript:` URLs.
  .use(rehypeRaw)
  .use(rehypeSanitize, schema)
  // Each top-level heading and what follows it becomes a <section>.
  .use(rehypeSections)
  .use(rehypeStringify)

/** The report's body as an HTML fragment. */
export function toHtmlFragment(tree: Root): string {
  return processor.stringify(processor.runSync(tree) as HastRoot)
}


