import { LineCounter, isMap, isScalar, isSeq, parseDocument, visit, type Alias, type Document, type Node } from 'yaml'
import type { Position } from './types.js'
import { remember } from './remember.js'

/** Places by key path: `a.b.0` → where that value is. */
export type Places = Map<string, Position>

/** A YAML text parsed with every value's place, and its syntax errors. */
export interface YamlSource {
  value: unknown
  /** Where each value is. */
  places: Places
  /** Where each mapping key is (for "unknown key" problems). */
  keys: Places
  errors: { reason: string; place: Position }[]
}

/** Where the YAML text starts in its file: line 1 and offset 0 for a file of its own; later for front matter. */
export interface Origin {
  line: number
  offset: number
}

/**
 * Parse YAML, keeping where each value and key is, as positions in the
 * file that holds it (a memo definition, or a Markdown source's front matter).
 */
export function parseYamlSource(text: string, origin: Origin = { line: 1, offset: 0 }): YamlSource {
  // A rebuild reads the same front matter and memo definitions again: the last few parses are kept.
  const key = `${origin.line}:${origin.offset}:${text}`
  const source = remember(parsed, key, keptParses, () => parseNow(text, origin))
  // The value is the caller's to change; the places are read only.
  return { ...source, value: structuredClone(source.value) }
}

const parsed = new Map<string, YamlSource>()
const keptParses = 256

function parseNow(text: string, origin: Origin): YamlSource {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter, prettyErrors: false })
  const at: At = (offset) => {
    const { line, col } = lineCounter.linePos(offset)
    return { line: origin.line + line - 1, column: col, offset: origin.offset + offset }
  }
  const place = (range: readonly number[] | undefined) => ({ start: at(range?.[0] ?? 0), end: at(range?.[1] ?? 0) })
  const source: YamlSource = { value: undefined, places: new Map(), keys: new Map(), errors: [] }
  collectPlaces(document.contents, '', source, at)
  source.errors = document.errors.map((error) => ({ reason: error.message, place: place(error.pos) }))
  // Tags would make values of types a report has no use for: plain YAML only.
  for (const warning of document.warnings) {
    if (warning.code === 'TAG_RESOLVE_FAILED') source.errors.push({ reason: `${warning.message}, expected plain YAML without tags`, place: place(warning.pos) })
  }
  if (source.errors.length > 0) return source
  try {
    // Aliases are expanded with a cap, so a "billion laughs" document stops early.
    source.value = document.toJS({ maxAliasCount })
  } catch (error) {
    const unresolved = /^Unresolved alias.*: (.*)$/.exec((error as Error).message)?.[1]
    const alias = firstAlias(document, unresolved)
    const reason = unresolved
      ? `Unexpected alias \`*${unresolved}\` with no anchor before it, expected \`&${unresolved}\` on a value above`
      : `Unexpected aliases expanded more than ${maxAliasCount} times, expected plain values (or a few aliases)`
    source.errors.push({ reason, place: place(alias?.range ?? undefined) })
  }
  return source
}

/** How many times aliases may be expanded in one document. */
const maxAliasCount = 100

/** The alias named `name`, else the first one. */
function firstAlias(document: Document, name: string | undefined): Alias | undefined {
  let found: Alias | undefined
  visit(document, {
    Alias(_, node) {
      if (name === undefined || node.source === name) {
        found = node
        return visit.BREAK
      }
    }
  })
  return found
}

type At = (offset: number) => Position['start']

function collectPlaces(node: Node | null, key: string, source: YamlSource, at: At): void {
  if (!node?.range) return
  source.places.set(key, { start: at(node.range[0]), end: at(node.range[1]) })
  const prefix = key ? `${key}.` : ''
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue
      const path = `${prefix}${String(pair.key.value)}`
      if (pair.key.range) source.keys.set(path, { start: at(pair.key.range[0]), end: at(pair.key.range[1]) })
      collectPlaces(pair.value as Node | null, path, source, at)
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => collectPlaces(item as Node | null, `${prefix}${index}`, source, at))
  }
}

/** The place of a key path, else of the nearest enclosing value that has one. */
export function placeAt(places: Places, key: string): Position | undefined {
  for (let current = key; ; current = current.slice(0, Math.max(0, current.lastIndexOf('.')))) {
    const place = places.get(current)
    if (place || current === '') return place
  }
}
