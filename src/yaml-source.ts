import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml'
import type { Position } from './types.js'

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
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter, prettyErrors: false })
  const at: At = (offset) => {
    const { line, col } = lineCounter.linePos(offset)
    return { line: origin.line + line - 1, column: col, offset: origin.offset + offset }
  }
  const source: YamlSource = { value: undefined, places: new Map(), keys: new Map(), errors: [] }
  collectPlaces(document.contents, '', source, at)
  source.errors = document.errors.map((error) => ({ reason: error.message, place: { start: at(error.pos[0]), end: at(error.pos[1]) } }))
  if (source.errors.length === 0) source.value = document.toJS()
  return source
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
