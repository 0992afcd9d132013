import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml'
import type { Position } from '../../types.js'
import type { Places } from './types.js'

/** A YAML file parsed with every value's place, and its syntax errors. */
export interface YamlSource {
  value: unknown
  places: Places
  errors: { reason: string; place: Position }[]
}

/** Parse YAML, keeping where each value is (`a.b.0` → line and column). */
export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter, prettyErrors: false })
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset)
    return { line, column: col, offset }
  }
  const places: Places = new Map()
  collectPlaces(document.contents, '', places, at)
  const errors = document.errors.map((error) => ({ reason: error.message, place: { start: at(error.pos[0]), end: at(error.pos[1]) } }))
  return { value: errors.length > 0 ? undefined : toValue(document), places, errors }
}

function toValue(document: Document): unknown {
  return document.toJS()
}

type At = (offset: number) => Position['start']

function collectPlaces(node: Node | null, key: string, places: Places, at: At): void {
  if (!node?.range) return
  places.set(key, { start: at(node.range[0]), end: at(node.range[1]) })
  const prefix = key ? `${key}.` : ''
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key)) collectPlaces(pair.value as Node | null, `${prefix}${String(pair.key.value)}`, places, at)
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => collectPlaces(item as Node | null, `${prefix}${index}`, places, at))
  }
}

/** The place of a key path, else of the nearest enclosing value that has one. */
export function placeAt(places: Places, key: string): Position | undefined {
  for (let current = key; ; current = current.slice(0, Math.max(0, current.lastIndexOf('.')))) {
    const place = places.get(current)
    if (place || current === '') return place
  }
}
