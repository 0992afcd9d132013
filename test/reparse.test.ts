import { readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseMarkdown } from '../src/pipeline.js'
import { readCache, writeCache } from '../src/disk-cache.js'
import { ParseCache, reparse } from '../src/reparse.js'
import { cli, tempDir } from './helpers.js'

const report = readFileSync(path.join(import.meta.dirname, '..', 'source', 'report.md'), 'utf8')

/** Sources with the constructs an edit can break: fences, quotes, lists, tables, notes, definitions, directives, HTML. */
const constructs = `---
title: Constructs
---

# One

A paragraph with a [link][ref] and a note.[^n]

[ref]: https://example.org "Title"

> A quote
> that goes on.

- an item
- another

  continued

\`\`\`js
# not a heading
\`\`\`

| a | b |
| - | - |
| 1 | 2 |

# Two

<!-- a comment
# still a comment
-->

Setext heading
==============

[^n]: The note.

    indented code

# Three

Last paragraph [ref] and [^n].
`

/** What an editor types: words, and the marks that open or close a block. */
const insertions = ['word ', 'x', '\n', '\n\n', '# H\n', '```\n', '~~~', '> ', '- ', '1. ', '    ', '===\n', '---\n', '| - |\n', '[^n]', '[^new]: a note\n', '[ref]', '[new]: /u\n', '<!--', '-->', '<div>\n', '*', '`', '[', ']', '{#id}', '\\']

/** A small deterministic random number generator: the same edits every run. */
function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  }
}

/** An edit at a random place: an insertion, a deletion, or both. */
function edit(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1))
  const kind = next()
  const removed = kind < 0.5 ? 0 : Math.floor(next() * 12)
  const inserted = kind > 0.75 ? '' : insertions[Math.floor(next() * insertions.length)]
  return text.slice(0, at) + inserted + text.slice(at + removed)
}

describe('parsing only what an edit changed (watch, preview)', () => {
  /** Edits one after another, each parse in part checked against the whole parse; how many were parsed in part. */
  const editAndCompare = (source: string, seed: number, edits: number): number => {
    const next = random(seed)
    let old = { text: source, tree: parseMarkdown(source) }
    let reused = 0
    for (let round = 0; round < edits; round++) {
      const text = edit(old.text, next)
      const whole = parseMarkdown(text)
      const tree = reparse(old, text, parseMarkdown)
      if (tree) {
        reused++
        expect(tree, `seed ${seed}, edit ${round}: ${JSON.stringify(text)}`).toEqual(whole)
      }
      old = { text, tree: tree ?? whole }
    }
    return reused
  }

  it('gives the tree a whole parse gives, positions included, after 40 random edits of the report', () => {
    // Most edits are parsed in part: the test would prove nothing otherwise.
    expect(editAndCompare(report, 1, 40)).toBeGreaterThan(20)
  })

  it('gives the tree a whole parse gives after 1,500 random edits that open and close fences, quotes, lists, tables, notes and HTML', () => {
    let reused = 0
    for (let seed = 1; seed <= 5; seed++) reused += editAndCompare(constructs, seed, 300)
    expect(reused).toBeGreaterThan(300)
  })

  it('parses in whole a source with a container directive, whose content the parser reads apart', () => {
    const source = 'A [^n].\n\n:::note\n\n[^n]: x\n:::\n\nB\n'
    expect(reparse({ text: source, tree: parseMarkdown(source) }, source.replace('B', 'C'), parseMarkdown)).toBeUndefined()
  })

  it('parses a one-word edit of the report in part, and a new definition in whole', () => {
    const tree = parseMarkdown(report)
    const edited = report.replace(/^(North Korea.*)$/m, '$1 Edit.')
    expect(reparse({ text: report, tree }, edited, parseMarkdown)).toEqual(parseMarkdown(edited))
    let parsed = ''
    reparse({ text: report, tree }, edited, (text) => {
      parsed = text
      return parseMarkdown(text)
    })
    expect(parsed.length).toBeLessThan(report.length / 2)
    // A label defined anew may turn text elsewhere into a link.
    const defined = report.replace(/^(North Korea.*)$/m, '$1\n\n[cyber]: https://example.org\n')
    expect(reparse({ text: report, tree }, defined, parseMarkdown)).toBeUndefined()
  })

  it('hands out a fresh tree each time: a transform of one build does not reach the next', () => {
    const cache = new ParseCache()
    const first = cache.parse('report.md', report, parseMarkdown)
    first.children.length = 0
    const second = cache.parse('report.md', report.replace('North Korea', 'North  Korea'), parseMarkdown)
    expect(second).toEqual(parseMarkdown(report.replace('North Korea', 'North  Korea')))
  })

  it('keeps the last parse between runs: the next run after an edit parses only what changed', () => {
    const kept = new Map<string, string>()
    // As dossier's cache keeps it: written as JSON, read back in another process.
    const store = { read: (key: string) => (kept.has(key) ? JSON.parse(kept.get(key)!) : undefined), write: (key: string, parsed: unknown) => void kept.set(key, JSON.stringify(parsed)) }
    new ParseCache(store).parse('report.md', report, parseMarkdown)
    const edited = report.replace(/^(North Korea.*)$/m, '$1 Edit.')
    let parsed = ''
    const tree = new ParseCache(store).parse('report.md', edited, (text) => parseMarkdown((parsed = text)))
    expect(tree).toEqual(parseMarkdown(edited))
    expect(parsed.length).toBeLessThan(report.length / 2)
    // Unchanged, nothing is parsed at all.
    let calls = 0
    expect(new ParseCache(store).parse('report.md', edited, (text) => (calls++, parseMarkdown(text)))).toEqual(parseMarkdown(edited))
    expect(calls).toBe(0)
  })

  it('gives the whole parse for every fixture after an edit in its middle', () => {
    const fixtures = path.join(import.meta.dirname, 'fixtures')
    const sources = readdirSync(fixtures, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    expect(sources.length).toBeGreaterThan(5)
    for (const entry of sources) {
      const text = readFileSync(path.join(entry.parentPath, entry.name), 'utf8')
      const middle = text.indexOf(' ', Math.floor(text.length / 2))
      const edited = middle < 0 ? `${text}x` : `${text.slice(0, middle)} edited${text.slice(middle)}`
      const tree = reparse({ text, tree: parseMarkdown(text) }, edited, parseMarkdown)
      if (tree) expect(tree, entry.name).toEqual(parseMarkdown(edited))
    }
  })
})

describe('dossier\'s cache between runs', () => {
  /** Five entries of a kind of its own, written in turn a second apart, long ago; removed after `check`. */
  const withEntries = (name: string, check: (kind: string, dir: string) => void) => {
    const kind = `test-${name}-${process.pid}`
    const dir = fileURLToPath(new URL(`../node_modules/.cache/dossier/${kind}/`, import.meta.url))
    try {
      for (let index = 0; index < 5; index++) {
        writeCache(kind, `entry-${index}`, Buffer.from(`entry ${index}`), 10)
        utimesSync(path.join(dir, `entry-${index}`), 1_700_000_000 + index, 1_700_000_000 + index)
      }
      check(kind, dir)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }

  it('keeps of each kind only the entries written last, so that it does not grow with every source ever built', () => {
    withEntries('prune', (kind) => {
      writeCache(kind, 'entry-5', Buffer.from('entry 5'), 3)
      expect([0, 1, 2, 3, 4, 5].map((index) => readCache(kind, `entry-${index}`)?.toString())).toEqual([undefined, undefined, undefined, 'entry 3', 'entry 4', 'entry 5'])
    })
  })

  // A source of any length: reading its tree back is a fraction of parsing it.
  it('keeps the parse of a long source, reads it back for the next build, and parses an edit of it as a whole parse would', () => {
    const [frontMatter, body] = report.split(/(?<=^---\n[\s\S]*?\n---\n)/)
    const copies = Array.from({ length: 12 }, (_, copy) => (copy === 0 ? body : body.replace(/\{#([\w-]+)/g, `{#$1-${copy}`).replace(/\]\(#([\w-]+)\)/g, `](#$1-${copy})`).replace(/\[\^([^\]]+)\]/g, `[^$1-${copy}]`)))
    const text = frontMatter + copies.join('\n')
    expect(text.length).toBeGreaterThan(256 * 1024)
    const [dir, other] = [tempDir('dossier-long-'), tempDir('dossier-long-')]
    const source = path.join(dir, 'report.md')
    const built = (file: string) => {
      const out = path.join(path.dirname(file), 'out')
      const result = cli(['build', file, '--format', 'json', '--out', out, '--quiet'])
      expect(result.status, result.stderr).toBe(0)
      return readFileSync(path.join(out, 'report.json'), 'utf8')
    }
    const parses = fileURLToPath(new URL('../node_modules/.cache/dossier/parse/', import.meta.url))
    const entries = () => new Map(readdirSync(parses).map((name) => [name, statSync(path.join(parses, name))]))
    writeFileSync(source, text)
    const before = entries()
    const first = built(source)
    const kept = [...entries()].filter(([name, stat]) => stat.size > text.length && before.get(name)?.ino !== stat.ino)
    expect(kept).toHaveLength(1)
    const [name, { ino }] = kept[0]
    // Read back, not written again: the same file, marked as used.
    expect(built(source)).toBe(first)
    expect(statSync(path.join(parses, name)).ino).toBe(ino)
    // An edit in the middle, against the same text parsed afresh elsewhere.
    const middle = text.indexOf(' ', text.length / 2)
    const edited = `${text.slice(0, middle)} edited${text.slice(middle)}`
    writeFileSync(source, edited)
    writeFileSync(path.join(other, 'report.md'), edited)
    expect(built(source)).toBe(built(path.join(other, 'report.md')))
  })

  // A long report's tree is megabytes: a folder of them is kept within a size, the one written last always.
  it('keeps of each kind only what fits in its size, the entries used last', () => {
    withEntries('size', (kind, dir) => {
      writeCache(kind, 'entry-5', Buffer.from('entry 5'), 10, 3 * (32 + 'entry 5'.length))
      expect(readdirSync(dir).sort()).toEqual(['entry-3', 'entry-4', 'entry-5'])
      writeCache(kind, 'entry-6', Buffer.from('entry 6, longer than the room'), 10, 32)
      expect(readdirSync(dir)).toEqual(['entry-6'])
    })
  })

  // A face's subset that every build reads was written once, long ago: pruned by when it was written, it went as soon as the folder was full, and each build made it again.
  it('keeps an entry a build read over those written before it', () => {
    withEntries('used', (kind, dir) => {
      expect(readCache(kind, 'entry-0')?.toString()).toBe('entry 0')
      writeCache(kind, 'entry-5', Buffer.from('entry 5'), 3)
      expect(readdirSync(dir).sort()).toEqual(['entry-0', 'entry-4', 'entry-5'])
    })
  })
})

describe('the parser as bundled', () => {
  // dist/ carries micromark with its edit map changed not to copy the events before the first edit (scripts/bundle.mjs).
  it('gives the trees micromark itself gives: the report, every fixture, and 300 random edits of nested quotes, lists and tables', async () => {
    const bundled = (await import('../dist/pipeline.js')) as { parseMarkdown: typeof parseMarkdown }
    const nested = `${constructs}\n> - a\n>   > b\n>   > - c\n> lazy\n\n- > q\n  lazy\n- | a |\n  | - |\n  | 1 |\n\n1. x\n   > y\n2. z\n`
    const fixtures = path.join(import.meta.dirname, 'fixtures')
    const sources = [report, nested, ...readdirSync(fixtures, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile() && entry.name.endsWith('.md')).map((entry) => readFileSync(path.join(entry.parentPath, entry.name), 'utf8'))]
    const next = random(7)
    let text = nested
    for (let round = 0; round < 300; round++) sources.push((text = edit(text, next)))
    for (const source of sources) expect(bundled.parseMarkdown(source), source.slice(0, 80)).toEqual(parseMarkdown(source))
  })
})
