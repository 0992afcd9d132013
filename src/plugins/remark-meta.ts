import type { Root, Yaml } from 'mdast'
import type { Position } from 'unist'
import type { VFile } from 'vfile'
import { location } from 'vfile-location'
import { problem } from '../message.js'
import type { Audience, ReportMeta, Theme } from '../types.js'
import { parseYamlSource, placeAt } from '../yaml-source.js'

const source = 'remark-meta'

/** Keys the front matter may hold, and what each one expects. */
const knownKeys = [
  'title', 'subtitle', 'short_title', 'organization', 'authors', 'advisers',
  'date', 'language', 'url', 'keywords', 'audiences', 'themes'
]

/**
 * Read the YAML front matter into `file.data.meta`, checked and with
 * defaults (`language: en`, `short_title` = title, empty lists). Every
 * problem names the line and column inside the front matter.
 */
export default function remarkMeta() {
  return (tree: Root, file: VFile) => {
    const node = tree.children.find((child): child is Yaml => child.type === 'yaml')
    if (!node) {
      problem(file, 'Missing front matter, expected a `---` YAML block with at least `title`', { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, 'front-matter-missing', { source })
      file.data.meta = normalize({}, () => undefined, file, false)
      return
    }
    // The YAML starts on the line after the opening `---`.
    const line = (node.position?.start.line ?? 1) + 1
    const yaml = parseYamlSource(node.value, { line, offset: location(file).toOffset({ line, column: 1 }) ?? 0 })
    for (const error of yaml.errors) {
      problem(file, `Malformed front matter: ${error.reason.split('\n')[0]}`, error.place, 'front-matter-yaml', { source })
    }
    const data = yaml.value
    if (yaml.errors.length > 0 || !data || typeof data !== 'object' || Array.isArray(data)) {
      if (yaml.errors.length === 0) problem(file, 'Unexpected front matter, expected a mapping of keys (`title: …`)', node, 'front-matter-shape', { source })
      file.data.meta = normalize({}, () => undefined, file, false)
      return
    }
    for (const [key, place] of yaml.keys) {
      if (key.includes('.') || knownKeys.includes(key)) continue
      problem(file, `Unknown front matter key \`${key}\`, expected one of ${knownKeys.map((k) => '`' + k + '`').join(', ')}`, place, 'front-matter-key', { source, fatal: false })
    }
    file.data.meta = normalize(data as Record<string, unknown>, (path) => placeAt(yaml.places, path.join('.')), file, true)
  }
}

type At = (path: (string | number)[]) => Position | undefined

function normalize(data: Record<string, unknown>, at: At, file: VFile, present: boolean): ReportMeta {
  const fail = (key: (string | number)[], expected: string) => {
    problem(file, `Unexpected value for \`${key.join('.')}\` in front matter, expected ${expected}`, at(key), 'front-matter-field', { source })
  }
  const text = (key: string, required = false): string | undefined => {
    const value = data[key]
    if (value === undefined || value === null) {
      if (required && present) problem(file, `Missing \`${key}\` in front matter, expected a string`, at([]), 'front-matter-field', { source })
      return undefined
    }
    if (typeof value === 'string' || typeof value === 'number') return String(value)
    fail([key], 'a string')
    return undefined
  }
  const list = (key: string): string[] => {
    const value = data[key]
    if (value === undefined || value === null) return []
    if (typeof value === 'string') return [value]
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[]
    fail([key], 'a string or a list of strings')
    return []
  }
  const named = (key: string): Array<{ id: string; name: string }> => {
    const value = data[key]
    if (value === undefined || value === null) return []
    if (!Array.isArray(value)) {
      fail([key], 'a list of `{id, name}` entries')
      return []
    }
    const result: Array<{ id: string; name: string }> = []
    value.forEach((entry: unknown, index) => {
      const record = entry as Record<string, unknown> | null
      if (!record || typeof record.id !== 'string' || !/^[a-z][a-z0-9-]*$/.test(record.id)) {
        fail([key, index, 'id'], 'an id in lowercase letters, digits and dashes')
        return
      }
      if (typeof record.name !== 'string') {
        fail([key, index, 'name'], 'a display name')
        return
      }
      if (result.some((other) => other.id === record.id)) {
        problem(file, `Duplicate ${key} id \`${record.id}\` in front matter`, at([key, index, 'id']), 'front-matter-duplicate', { source })
        return
      }
      result.push({ id: record.id, name: record.name })
    })
    return result
  }

  const title = text('title', true) ?? 'Untitled'
  const date = text('date')
  if (date !== undefined && !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(date)) fail(['date'], 'an ISO date such as `2015-12` or `2015-12-16`')
  const url = text('url')
  if (url !== undefined && !/^https?:\/\/\S+$/.test(url)) fail(['url'], 'an http(s) URL')
  const language = text('language') ?? 'en'
  if (!/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(language)) fail(['language'], 'a language tag such as `en` or `ko-KR`')

  return {
    title,
    subtitle: text('subtitle'),
    shortTitle: text('short_title') ?? title,
    organization: text('organization'),
    authors: list('authors'),
    advisers: list('advisers'),
    date,
    language,
    url,
    keywords: list('keywords'),
    audiences: named('audiences') as Audience[],
    themes: named('themes') as Theme[]
  }
}
