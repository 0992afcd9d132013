import type { VFile } from 'vfile'
import { problem } from './message.js'
import { readTemplate, templateFiles, type TemplateLayers } from './templates.js'
import type { Point, Position } from './types.js'

/**
 * What a template's defaults cannot say about its shape. Paths are the
 * keys from the top, `*` standing for any one key (`styles.*`).
 */
export interface TemplateShape {
  /**
   * Objects whose keys the template names (paper sizes, styles, colours),
   * each with an entry that has every key an entry may have: a new entry is
   * checked against it. An entry the defaults have is checked against it too.
   */
  dictionaries?: Record<string, unknown>
  /** Objects taken as they are, any keys (pdfmake's own style properties). */
  free?: string[]
  /** Strings that must be one of a few (`list.numbering.*`: `decimal`, `lower-alpha`…). */
  choices?: Record<string, readonly string[]>
}

export interface TemplateOptions {
  /** The format the template is for: rule ids are `FORMAT-template-syntax` and `FORMAT-template-field`. */
  format: string
  shape?: TemplateShape
  /**
   * Resolve design tokens (`{color.heading}`) in the defaults and the file
   * before they are checked (`designTokens`); a token naming nothing is a
   * field problem at its place.
   */
  tokens?: <V>(value: V) => { value: V; unknown: Array<{ path: Array<string | number>; token: string }> }
}

/**
 * A renderer's template as data: `relativePath` in each template layer,
 * deep-merged over `defaults` from the lowest layer up (objects key by key,
 * arrays and values whole), so a templates folder holds only what it
 * changes. Each file is checked against the defaults' shape: a JSON syntax
 * error, a value of the wrong kind or an unknown key is a fatal message on
 * `file` that names that file, its line and column and the key's path, and
 * the result is undefined (the renderer writes nothing). Keys starting with
 * `$` are comments.
 */
export async function loadTemplateData<T>(file: VFile, layers: TemplateLayers, relativePath: string, tokenDefaults: WithTokens<T>, options: TemplateOptions): Promise<T | undefined> {
  const defaults = (options.tokens ? options.tokens(tokenDefaults).value : tokenDefaults) as T
  // A copy: renderers hand parts of it to libraries that may change them.
  let merged: unknown = structuredClone(defaults)
  for (const templatePath of templateFiles(layers, relativePath)) {
    const data = readTemplateData(file, templatePath, readTemplate(templatePath), defaults, options)
    if (data === undefined) return undefined
    merged = merge(merged, data)
  }
  return merged as T
}

/** One layer's file, parsed and checked; undefined (with messages on `file`) when it is wrong. */
function readTemplateData(file: VFile, templatePath: string, text: string, defaults: unknown, options: TemplateOptions): unknown {
  const report = (reason: string, place: Point | undefined, rule: 'syntax' | 'field') => {
    const position: Position | undefined = place && { start: place, end: place }
    problem(file, reason, position, `${options.format}-template-${rule}`, { source: `dossier-${options.format}`, in: templatePath })
  }

  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    const reason = (error as Error).message
    const offset = Number(/at position (\d+)/.exec(reason)?.[1] ?? text.length)
    report(`Cannot read the template as JSON: ${reason.replace(/ in JSON at position \d+.*$/, '').replace(/ of JSON input$/, ' of the file')}`, pointAt(text, offset), 'syntax')
    return undefined
  }

  const tokens = options.tokens?.(data)
  if (tokens) data = tokens.value
  const problems = [
    ...(tokens?.unknown ?? []).map(({ path: keys, token }) => ({ path: keys, reason: `Unknown design token \`${token}\` at \`${keyPath(keys)}\`, expected one that templates/design.json has (\`{color.heading}\`, \`{size.body}\`)` })),
    ...check(data, defaults, [], options.shape ?? {})
  ]
  if (problems.length > 0) {
    const places = jsonPlaces(text)
    for (const { path: keys, reason } of problems) report(reason, pointAt(text, places.get(keys.join('\0')) ?? 0), 'field')
    return undefined
  }
  return data
}

/** A template's type as its defaults are written: any value may be a design token (`{size.body}`). */
export type WithTokens<T> = T extends string | number ? T | string : T extends Array<infer U> ? Array<WithTokens<U>> : T extends object ? { [K in keyof T]: WithTokens<T[K]> } : T

interface Problem {
  path: Array<string | number>
  reason: string
}

/** Check `value` against `expected`, an example of the same shape (the defaults, or a dictionary's entry). */
function check(value: unknown, expected: unknown, keys: Array<string | number>, shape: TemplateShape): Problem[] {
  if (shape.free?.some((pattern) => matches(pattern, keys))) return isRecord(value) ? [] : wrong(keys, value, 'an object')
  const entry = byPath(shape.dictionaries, keys)
  if (entry !== undefined) {
    if (!isRecord(value)) return wrong(keys, value, 'an object')
    return Object.entries(value).flatMap(([key, item]) => (key.startsWith('$') ? [] : check(item, entry, [...keys, key], shape)))
  }
  if (isRecord(expected)) {
    if (!isRecord(value)) return wrong(keys, value, 'an object')
    return Object.entries(value).flatMap(([key, item]) => {
      if (key.startsWith('$')) return []
      if (!(key in expected)) {
        const known = Object.keys(expected).filter((name) => !name.startsWith('$'))
        return [{ path: [...keys, key], reason: `Unexpected key \`${key}\`${keys.length ? ` in \`${keyPath(keys)}\`` : ''}, expected one of ${known.map((name) => `\`${name}\``).join(', ')}` }]
      }
      return check(item, expected[key], [...keys, key], shape)
    })
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(value)) return wrong(keys, value, 'an array')
    return expected.length === 0 ? [] : value.flatMap((item, index) => check(item, expected[0], [...keys, index], shape))
  }
  if (expected !== undefined && expected !== null && typeof value !== typeof expected) return wrong(keys, value, expectedKind(expected))
  const choices = byPath(shape.choices, keys)
  if (choices && !choices.includes(value as string)) return wrong(keys, value, `one of ${choices.map((choice) => `\`${choice}\``).join(', ')}`)
  return []
}

function wrong(keys: Array<string | number>, value: unknown, expected: string): Problem[] {
  return [{ path: keys, reason: `Unexpected ${kind(value)} at \`${keyPath(keys) || '(top)'}\`, expected ${expected}` }]
}

/** The value in `table` whose path pattern matches `keys`. */
function byPath<V>(table: Record<string, V> | undefined, keys: Array<string | number>): V | undefined {
  return Object.entries(table ?? {}).find(([pattern]) => matches(pattern, keys))?.[1]
}

/** Whether a path pattern (`styles.*`; `` for the top) names the place `keys`. */
function matches(pattern: string, keys: Array<string | number>): boolean {
  if (pattern === '') return keys.length === 0
  const parts = pattern.split('.')
  return parts.length === keys.length && parts.every((part, index) => part === '*' || part === String(keys[index]))
}

/** What a value is, shown when short: ``string `"12"` ``, `object`. */
function kind(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const shown = JSON.stringify(value)
    return value === null ? 'null' : `${typeof value}${shown.length <= 40 ? ` \`${shown}\`` : ''}`
  }
  return Array.isArray(value) ? 'array' : 'object'
}

/** What a value should be, as the example shows: `a number`, `an object`. */
function expectedKind(example: unknown): string {
  const name = example === null ? 'null' : Array.isArray(example) ? 'array' : typeof example
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`
}

/** `page.margins.left`, `styles.h1.margin[2]`. */
function keyPath(keys: Array<string | number>): string {
  return keys.map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? key : `.${key}`)).join('')
}

function merge(base: unknown, over: unknown): unknown {
  if (!isRecord(base) || !isRecord(over)) return over
  const result: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(over)) result[key] = key in base ? merge(base[key], value) : value
  return result
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** 1-based line and column of a character offset. */
/** Where the key at `keys` starts in a valid JSON text (its first character when it has none). */
export function keyPoint(text: string, keys: Array<string | number>): Point {
  return pointAt(text, jsonPlaces(text).get(keys.join('\0')) ?? 0)
}

function pointAt(text: string, offset: number): Point {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return { line, column: offset - before.lastIndexOf('\n'), offset }
}

/**
 * Where each key (and array element) of a valid JSON text starts, by its
 * path joined with NUL. JSON.parse keeps no positions; this walk does.
 */
function jsonPlaces(text: string): Map<string, number> {
  const places = new Map<string, number>()
  let index = 0
  const space = () => {
    while (/\s/.test(text[index] ?? '')) index++
  }
  const string = (): string => {
    const start = index++
    while (text[index] !== '"') index += text[index] === '\\' ? 2 : 1
    index++
    return JSON.parse(text.slice(start, index)) as string
  }
  const value = (keys: Array<string | number>, at: number) => {
    space()
    places.set(keys.join('\0'), at < 0 ? index : at)
    const open = text[index]
    if (open === '{' || open === '[') {
      index++
      for (let position = 0; ; position++) {
        space()
        if (text[index] === '}' || text[index] === ']') break
        if (open === '{') {
          const keyAt = index
          const key = string()
          space()
          index++ // the colon
          value([...keys, key], keyAt)
        } else {
          value([...keys, position], -1)
        }
        space()
        if (text[index] === ',') index++
      }
      index++
    } else if (open === '"') {
      string()
    } else {
      while (index < text.length && !/[\s,\]}]/.test(text[index])) index++
    }
  }
  value([], -1)
  return places
}
