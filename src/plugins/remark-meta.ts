import type { Root, Yaml } from 'mdast'
import type { Position } from 'unist'
import type { VFile } from 'vfile'
import { location } from 'vfile-location'
import { didYouMean } from '../did-you-mean.js'
import { problem } from '../message.js'
import { quoteHint } from '../yaml-hint.js'
import { readDate } from '../read-date.js'
import type { Audience, ReportMeta, Theme } from '../types.js'
import { parseYamlSource, placeAt } from '../yaml-source.js'

const source = 'remark-meta'

/**
 * The keys dossier reads, with other tools' names for three of them
 * (Pandoc's and Quarto's `author` and `lang`, static sites' `tags`).
 */
const knownKeys = [
  'title', 'subtitle', 'short_title', 'organization', 'authors', 'author', 'advisers', 'date',
  'language', 'lang', 'url', 'description', 'abstract', 'keywords', 'tags', 'audiences', 'themes',
  'copyright', 'rights', 'about'
]
/** Other tools' keys that are one edit from ours but are not slips of them (`theme:` in Marp, Slidev, Quarto; Jekyll's `layout:`, close to `about`). */
const otherToolKeys = ['theme', 'layout']

/**
 * Read the YAML front matter into `file.data.meta`, checked and with
 * defaults (`language: en`, empty lists). Every problem names the line and
 * column inside the front matter. Keys other tools write are read under
 * dossier's names; keys dossier does not use are left alone, unless they
 * look like a slip of one it does. A source without front matter is
 * fine: `remarkTitle` finds its title.
 */
export default function remarkMeta() {
  return (tree: Root, file: VFile) => {
    const node = tree.children.find((child): child is Yaml => child.type === 'yaml')
    if (!node) {
      file.data.meta = normalize({}, () => undefined, file)
      return
    }
    // The YAML starts on the line after the opening `---`.
    const line = (node.position?.start.line ?? 1) + 1
    const yaml = parseYamlSource(node.value, { line, offset: location(file).toOffset({ line, column: 1 }) ?? 0 })
    // One message for one slip: YAML's later errors mostly follow from its first.
    const [error] = yaml.errors
    if (error) {
      const hint = quoteHint(node.value.split('\n')[error.place.start.line - line] ?? '')
      problem(file, `Malformed front matter: ${error.reason.split('\n')[0]}${hint ? `; ${hint}` : ''}`, error.place, 'front-matter-yaml', { source })
    }
    const data = yaml.value
    if (yaml.errors.length > 0 || (data !== null && (typeof data !== 'object' || Array.isArray(data)))) {
      if (yaml.errors.length === 0) problem(file, 'Unexpected front matter, expected a mapping of keys (`title: …`)', node, 'front-matter-shape', { source })
      file.data.meta = normalize({}, () => undefined, file)
      file.data.vocabularyUnread = true
      return
    }
    for (const [key, place] of yaml.keys) {
      if (key.includes('.') || knownKeys.includes(key) || otherToolKeys.includes(key)) continue
      const meant = didYouMean(key, knownKeys)
      if (meant) problem(file, `Unknown front matter key \`${key}\`, did you mean \`${meant}\`?`, place, 'front-matter-key', { source, fatal: false })
    }
    file.data.meta = normalize((data ?? {}) as Record<string, unknown>, (path) => placeAt(yaml.places, path.join('.')), file)
  }
}

type At = (path: (string | number)[]) => Position | undefined

/** An author as the front matter gives one. */
interface Person {
  name: string
  affiliations: string[]
}

function normalize(data: Record<string, unknown>, at: At, file: VFile): ReportMeta {
  const fail = (key: (string | number)[], expected: string) => {
    problem(file, `Unexpected value for \`${key.join('.')}\` in front matter, expected ${expected}`, at(key), 'front-matter-field', { source })
  }
  const given = (key: string) => data[key] !== undefined && data[key] !== null
  const text = (key: string): string | undefined => {
    const value = data[key]
    if (value === undefined || value === null) return undefined
    if (typeof value === 'number') return String(value)
    if (typeof value === 'string') return unwrap(value)
    fail([key], 'a string')
    return undefined
  }
  const list = (key: string): string[] => {
    const value = data[key]
    if (value === undefined || value === null) return []
    if (typeof value === 'string' || typeof value === 'number') return [String(value)]
    if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.map(String)
    fail([key], 'a string or a list of strings')
    return []
  }
  // An audience or theme that cannot be read leaves the vocabulary incomplete.
  const unread = (key: (string | number)[], expected: string) => {
    file.data.vocabularyUnread = true
    fail(key, expected)
  }
  const named = (key: string): Array<{ id: string; name: string }> => {
    const value = data[key]
    if (value === undefined || value === null) return []
    if (!Array.isArray(value)) {
      unread([key], 'a list of `{id, name}` entries')
      return []
    }
    const result: Array<{ id: string; name: string }> = []
    value.forEach((entry: unknown, index) => {
      const record = entry as Record<string, unknown> | null
      if (!record || typeof record.id !== 'string' || !/^[a-z][a-z0-9-]*$/.test(record.id)) {
        unread([key, index, 'id'], 'an id in lowercase letters, digits and dashes')
        return
      }
      if (typeof record.name !== 'string') {
        unread([key, index, 'name'], 'a display name')
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
  // `author`/`authors`: a name, a list of names, or Pandoc's and Quarto's
  // list of `{name, affiliation}` (`affiliations` may list several).
  const people = (key: string): Person[] => {
    const value = data[key]
    if (value === undefined || value === null) return []
    const entries = Array.isArray(value) ? value : [value]
    const result: Person[] = []
    entries.forEach((entry: unknown, index) => {
      const path = Array.isArray(value) ? [key, index] : [key]
      if (typeof entry === 'string') {
        result.push({ name: entry, affiliations: [] })
        return
      }
      const record = entry && typeof entry === 'object' && !Array.isArray(entry) ? (entry as Record<string, unknown>) : undefined
      if (!record) {
        fail(path, 'a name, a list of names, or a list of `{name, affiliation}`')
        return
      }
      const name = personName(record.name)
      if (name === undefined) {
        fail([...path, 'name'], 'a name (or `{given, family}`)')
        return
      }
      const affiliations = (['affiliation', 'affiliations'] as const).flatMap((field) => {
        const names = organizations(record[field])
        if (names === undefined) fail([...path, field], 'an organization’s name, or a list of them')
        return names ?? []
      })
      result.push({ name, affiliations })
    })
    return result
  }

  // Empty when the front matter gives none: `remarkTitle` infers it, and `short_title` with it.
  const title = text('title') ?? ''
  let date: string | undefined
  if (given('date')) {
    const reading = readDate(data.date)
    if ('iso' in reading) date = reading.iso
    else if ('impossible' in reading) problem(file, `Impossible date \`${String(data.date)}\` in front matter: ${reading.impossible}`, at(['date']), 'front-matter-field', { source })
    else fail(['date'], 'a date such as `2015-12-16`, `2015-12`, `December 2015` or `16 December 2015`')
  }
  const url = text('url')
  if (url !== undefined && !/^https?:\/\/\S+$/.test(url)) fail(['url'], 'an http(s) URL')
  // `lang` is Pandoc's and Quarto's name for it; both may be given when they agree.
  const languageKey = given('language') || !given('lang') ? 'language' : 'lang'
  if (given('language') && given('lang') && text('lang') !== text('language')) {
    problem(file, 'Conflicting `lang` and `language` in front matter, expected one of them', at(['lang']), 'front-matter-duplicate', { source })
  }
  const language = text(languageKey) ?? 'en'
  if (!/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(language)) fail([languageKey], 'a language tag such as `en` or `ko-KR`')
  const authors = merge([...people('authors'), ...people('author')])

  return {
    title,
    subtitle: text('subtitle'),
    shortTitle: text('short_title') ?? title,
    organization: text('organization'),
    authors: authors.map((person) => person.name),
    affiliations: affiliationsOf(authors),
    advisers: list('advisers'),
    date,
    language,
    url,
    copyright: text('copyright') ?? text('rights'),
    about: text('about'),
    description: text('description'),
    abstract: text('abstract'),
    keywords: [...new Set([...list('keywords'), ...list('tags')])],
    audiences: named('audiences') as Audience[],
    themes: named('themes') as Theme[]
  }
}

/**
 * Text as a reader reads it: a block scalar's line breaks (`abstract: |`)
 * are spaces, as in a Markdown paragraph; a blank line still parts
 * paragraphs.
 */
function unwrap(text: string): string {
  return text
    .trim()
    .split(/\n[ \t]*\n\s*/)
    .map((paragraph) => paragraph.replace(/[ \t]*\n[ \t]*/g, ' '))
    .join('\n\n')
}

/** A person's name: text, or CSL's `{given, family}` as Quarto allows. */
function personName(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  const record = value && typeof value === 'object' ? (value as Record<string, unknown>) : {}
  const parts = [record.given, record.family].filter((part): part is string => typeof part === 'string')
  return parts.length > 0 ? parts.join(' ') : undefined
}

/** Affiliations: a name, or a list of names or of `{name}`; undefined when they are none of these. */
function organizations(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return []
  const entries = Array.isArray(value) ? value : [value]
  const names = entries.map((entry: unknown) =>
    typeof entry === 'string' ? entry : entry && typeof entry === 'object' && typeof (entry as { name?: unknown }).name === 'string' ? (entry as { name: string }).name : undefined
  )
  return names.every((name) => name !== undefined) ? (names as string[]) : undefined
}

/** Each person once (`author` and `authors` may both name them), their affiliations together. */
function merge(people: Person[]): Person[] {
  const byName = new Map<string, Person>()
  for (const person of people) {
    const known = byName.get(person.name)
    if (known) known.affiliations = [...new Set([...known.affiliations, ...person.affiliations])]
    else byName.set(person.name, { ...person })
  }
  return [...byName.values()]
}

/** `{name: affiliations}` for the authors that have any; undefined when none has. */
function affiliationsOf(people: Person[]): Record<string, string[]> | undefined {
  const entries = people.filter((person) => person.affiliations.length > 0).map((person): [string, string[]] => [person.name, person.affiliations])
  return entries.length > 0 ? Object.fromEntries(entries) : undefined
}
