import type { Root, RootContent } from 'mdast'

/**
 * Parsing again after an edit (in `--watch` and `preview`, and from one
 * build to the next): only the part of the source the edit touched is parsed, and the syntax tree of the rest
 * is kept from the last parse. The result is the tree a whole parse gives,
 * positions included (tested against it); where that cannot be made sure
 * of, the whole source is parsed.
 *
 * A top-level block that starts a line after a blank line is a point
 * where the parser holds nothing open: parsing from there on depends only
 * on the text from there on, and on which link and footnote labels the
 * document defines. So the
 * text from the last such point before the edit to the first one after it
 * is parsed alone, with the labels the rest defines appended as stubs
 * (`[label]: #`), and the first line after it too: it must still start a
 * top-level block (an edit that opens a fence or a quote, or leaves a
 * paragraph that the next line continues, fails that, and the whole source
 * is parsed). An edit that defines a label, or stops defining one, changes
 * what references elsewhere mean: the whole source is parsed.
 */
export class ParseCache {
  /** The last text parsed and its tree, as parsed (before any transform), by the source's key. */
  private readonly last = new Map<string, Parsed>()
  private static readonly keep = 4

  /** `store`: where the last parse of each source is kept between runs, so the next run too parses only what changed. */
  constructor(private readonly store?: ParseStore) {}

  /**
   * The tree of `text` (a fresh copy, to be transformed at will), by
   * `parse` for the whole text or only for what changed since the last
   * text parsed under `key`.
   */
  parse(key: string, text: string, parse: (text: string) => Root): Root {
    const last = this.last.get(key) ?? this.store?.read(key)
    const tree = (last && reparse(last, text, parse)) ?? parse(text)
    this.last.delete(key)
    if (this.last.size >= ParseCache.keep) this.last.delete(this.last.keys().next().value!)
    this.last.set(key, { text, tree })
    if (last?.text !== text) this.store?.write(key, { text, tree })
    return copy(tree, 0, 0)
  }
}

/** A text and its syntax tree as parsed. */
export interface Parsed {
  text: string
  tree: Root
}

/** Parses kept between runs, by source. */
export interface ParseStore {
  read(key: string): Parsed | undefined
  write(key: string, parsed: Parsed): void
}

type Node = Root | RootContent

/** The new text's tree from the old one and a parse of what changed, or undefined when that cannot be sure. */
export function reparse(old: Parsed, text: string, parse: (text: string) => Root): Root | undefined {
  const before = old.text
  const top = old.tree.children
  if (before === text) return old.tree
  // What changed: old [from, oldEnd) became new [from, oldEnd + delta).
  const shortest = Math.min(before.length, text.length)
  let from = 0
  while (from < shortest && before.charCodeAt(from) === text.charCodeAt(from)) from++
  let same = 0
  while (same < shortest - from && before.charCodeAt(before.length - 1 - same) === text.charCodeAt(text.length - 1 - same)) same++
  const oldEnd = before.length - same
  const delta = text.length - before.length

  // A container directive (`:::note`) reads its content apart, with effects the rest of this cannot see.
  if (containerFence.test(before) || containerFence.test(text)) return undefined
  if (unclosed(before, top[0])) return undefined
  // The blocks to parse again: from the last clean start before the edit to the first after it.
  let first = 0
  for (let index = top.length - 1; index > 0; index--) {
    const at = cleanStart(before, top, index)
    if (at !== undefined && at.offset < from) {
      first = index
      break
    }
  }
  let end = top.length
  for (let index = first + 1; index < top.length; index++) {
    const at = cleanStart(before, top, index)
    if (at !== undefined && at.blankLine > oldEnd) {
      end = index
      break
    }
  }
  const start = first === 0 ? 0 : top[first].position!.start.offset!
  const startLine = first === 0 ? 1 : top[first].position!.start.line
  const next = end < top.length ? top[end].position!.start.offset! + delta : text.length
  // The first line after the part parsed again, which must still start a block.
  const lineEnd = next < text.length ? text.indexOf('\n', next) : -1
  const checkTo = next >= text.length ? text.length : lineEnd < 0 ? text.length : lineEnd + 1

  // Labels the rest of the document defines, as stubs after everything.
  const rest = [...top.slice(0, first), ...top.slice(end)]
  const stubs = labelsOf(rest)
  if (!stubs) return undefined
  const part = text.slice(start, checkTo)
  const separator = part.endsWith('\n') ? '\n' : '\n\n'
  const parsed = parse(`${part}${stubs.length > 0 ? separator + stubs.map(stub).join('\n') : ''}`)
  const children = parsed.children
  // The stubs, each a definition at the end, as written.
  const kept = children.length - stubs.length
  if (kept < 0) return undefined
  for (let index = 0; index < stubs.length; index++) {
    const node = children[kept + index]
    if (node.type !== stubs[index].type || node.identifier !== stubs[index].identifier) return undefined
  }
  let fresh = children.slice(0, kept)
  if (next < text.length) {
    // The block after must start where it did, on the checked line.
    const check = fresh[fresh.length - 1]
    if (!check || check.position?.start.offset !== next - start || check.position.start.column !== 1) return undefined
    fresh = fresh.slice(0, -1)
  }
  if (unclosed(text, first === 0 ? fresh[0] : top[0])) return undefined
  // The labels the edited part defines must be those it defined.
  const was = labelsOf(top.slice(first, end))
  const is = labelsOf(fresh)
  if (!was || !is || !sameLabels(was, is)) return undefined

  const lines = (value: string, from: number, to: number) => {
    let count = 0
    for (let index = value.indexOf('\n', from); index >= 0 && index < to; index = value.indexOf('\n', index + 1)) count++
    return count
  }
  const lineDelta = lines(text, from, oldEnd + delta) - lines(before, from, oldEnd)
  const root = old.tree.position!
  return {
    type: 'root',
    // The blocks before the edit are shared with the last tree: neither is handed out, only copies (`ParseCache`).
    children: [...top.slice(0, first), ...fresh.map((node) => copy(node, start, startLine - 1)), ...top.slice(end).map((node) => copy(node, delta, lineDelta))],
    position: { start: { ...root.start }, end: endPoint(text, root.end.line + lineDelta) }
  }
}

/**
 * Where a top-level block starts with nothing open before it: at the start
 * of a line, after a blank line (which ends a paragraph and any list or
 * quote a line not indented does not continue). `blankLine`: where that
 * line starts, after the line break before it.
 */
function cleanStart(text: string, nodes: readonly RootContent[], index: number): { offset: number; blankLine: number } | undefined {
  const start = nodes[index].position?.start
  if (!start || start.column !== 1 || start.offset === undefined || start.offset < 2 || text[start.offset - 1] !== '\n') return undefined
  // Parsed alone, a line of `---` would open front matter.
  if (text.startsWith('---', start.offset)) return undefined
  // Blocks the parser made overlap (a definition inside a setext heading) are parsed together.
  const previous = nodes[index - 1]?.position?.end.offset
  if (previous === undefined || previous > start.offset) return undefined
  const blankLine = text.lastIndexOf('\n', start.offset - 2) + 1
  return /^[ \t]*$/.test(text.slice(blankLine, start.offset - 1)) ? { offset: start.offset, blankLine } : undefined
}

const containerFence = /^ {0,3}:::/m

/** A front matter fence that does not close changes how the parser reads what follows, far beyond it. */
function unclosed(text: string, first: Node | undefined): boolean {
  return text.startsWith('---') && first?.type !== 'yaml'
}

interface Label {
  type: 'definition' | 'footnoteDefinition'
  identifier: string
  label: string
}

/**
 * Every link and footnote label the nodes define, at any depth; undefined
 * when one is inside a container directive (\`:::note\`), whose content the
 * parser reads apart: what it defines is known only to what follows it.
 */
function labelsOf(nodes: readonly Node[]): Label[] | undefined {
  const labels: Label[] = []
  let apart = false
  const visit = (node: Node, inDirective: boolean) => {
    if (node.type === 'definition' || node.type === 'footnoteDefinition') {
      if (inDirective) apart = true
      labels.push({ type: node.type, identifier: node.identifier, label: node.label ?? node.identifier })
    }
    if ('children' in node) for (const child of node.children) visit(child, inDirective || node.type === 'containerDirective')
  }
  for (const node of nodes) visit(node, false)
  return apart ? undefined : labels
}

function sameLabels(a: Label[], b: Label[]): boolean {
  const key = (labels: Label[]) => labels.map((label) => `${label.type} ${label.identifier}`).sort().join('\n')
  return key(a) === key(b)
}

/** A definition that defines only the label, on one line, a blank line after. */
function stub(label: Label): string {
  const text = label.label.replace(/\s+/g, ' ')
  return label.type === 'definition' ? `[${text}]: #\n` : `[^${text}]: x\n`
}

/** The point just past the end of `text`, whose last line is `line`. */
function endPoint(text: string, line: number) {
  return { line, column: text.length - (text.lastIndexOf('\n') + 1) + 1, offset: text.length }
}

/** A deep copy of a node, its positions moved by `offset` characters and `lines` lines. */
function copy<T>(value: T, offset: number, lines: number): T {
  if (Array.isArray(value)) return value.map((item) => copy(item, offset, lines)) as T
  if (value === null || typeof value !== 'object') return value
  const result: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    if (key === 'position' && item) {
      const { start, end } = item as { start: Point; end: Point }
      result.position = { start: moved(start, offset, lines), end: moved(end, offset, lines) }
    } else result[key] = copy(item, offset, lines)
  }
  return result as T
}

interface Point {
  line: number
  column: number
  offset?: number
}

function moved(point: Point, offset: number, lines: number): Point {
  return { line: point.line + lines, column: point.column, offset: point.offset === undefined ? undefined : point.offset + offset }
}
