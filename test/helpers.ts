import { spawnSync } from 'node:child_process'
import { strFromU8, unzipSync } from 'fflate'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('..', import.meta.url))
export const reportSource = path.join(root, 'source', 'report.md')
// The seed as extracted from the published PDF (a copy of shared/seed/), the words every edition must keep.
export const seedPath = path.join(root, 'test', 'fixtures', 'seed', 'report-executive-summary.txt')
export const fixture = (...parts: string[]) => path.join(root, 'test', 'fixtures', ...parts)

export function tempDir(prefix = 'dossier-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix))
}

/** Run the compiled CLI as a user would. */
export function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], {
    cwd: options.cwd ?? root,
    encoding: 'utf8',
    env: { ...process.env, ...options.env }
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** Collapse whitespace and unify quotes, for comparing text across editions. */
export function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase()
}

/**
 * The seed text as the authors wrote it: the PDF extraction's damage
 * repaired exactly as issue 2 lists (page numbers, split words, the reading
 * order of Future Threats), list markers removed. Headings stay as blocks.
 */
export function seedBlocks(): string[] {
  let text = readFileSync(seedPath, 'utf8')
  text = text.replace(/Execu8\s+tive/, 'Executive').replace(/sys11\s+tems/, 'systems')
  const lines = text.split('\n').filter((line) => !/^\s*\d+\s*$/.test(line) && !/^\s*\d+\.\s*$/.test(line))
  // Future Threats: the continuation of c ("operations, provocative …") and
  // item d come before a and b; read a, b, c + continuation, d.
  const cont = lines.findIndex((line) => line.startsWith('operations, provocative behavior'))
  const d = lines.findIndex((line) => line.startsWith('d. Contingency Planning'))
  const a = lines.findIndex((line) => line.startsWith('a. At one end of the spectrum'))
  const recs = lines.findIndex((line) => line.includes('RECOMMENDATIONS FOR POLICY'))
  const reordered = [
    ...lines.slice(0, cont),
    ...lines.slice(a, recs),
    ...lines.slice(cont, d),
    ...lines.slice(d, a),
    ...lines.slice(recs)
  ]
  const blocks: string[] = []
  let current: string[] = []
  let heading = false
  for (const raw of reordered) {
    const line = raw.trim().replace(/^[a-g]\.\s+/, '')
    if (!line) continue
    const upper = line === line.toUpperCase() && /[A-Z]/.test(line)
    if (upper !== heading && current.length > 0) {
      blocks.push(current.join(' '))
      current = []
    }
    heading = upper
    current.push(line)
  }
  if (current.length > 0) blocks.push(current.join(' '))
  return blocks
}

/** The seed's sentences (and headings), each of which every edition must hold. */
export function seedSentences(): string[] {
  return seedBlocks().flatMap((block) => block.split(/(?<=[.?!]["”’]?)\s+(?=[A-Z“])/)).map(normalize).filter(Boolean)
}

/** A face a .docx embeds: its family, which `w:embed…` it is, and the font, read back from its obfuscated file. */
export interface EmbeddedFace {
  family: string
  style: string
  bytes: Uint8Array
}

/**
 * The faces a .docx embeds (ECMA-376 part 1, §17.8.1): each file's first
 * 32 bytes XORed with its key from `word/fontTable.xml`, undone.
 */
export function embeddedFaces(docx: Uint8Array): EmbeddedFace[] {
  const files = unzipSync(docx)
  const table = strFromU8(files['word/fontTable.xml'])
  const rels = strFromU8(files['word/_rels/fontTable.xml.rels'])
  const targets = new Map([...rels.matchAll(/<Relationship\b[^>]*>/g)].map((match) => [/\bId="([^"]+)"/.exec(match[0])![1], /\bTarget="([^"]+)"/.exec(match[0])![1]]))
  return [...table.matchAll(/<w:font w:name="([^"]+)">(.*?)<\/w:font>/g)].flatMap(([, family, body]) =>
    [...body.matchAll(/<w:(embed\w+) r:id="([^"]+)" w:fontKey="\{([^}]+)\}"/g)].map(([, style, id, key]) => {
      const bytes = new Uint8Array(files[`word/${targets.get(id)!.replace(/^\.?\//, '')}`])
      const keyBytes = key.replace(/-/g, '').match(/../g)!.map((hex) => parseInt(hex, 16)).reverse()
      for (let index = 0; index < 32; index++) bytes[index] ^= keyBytes[index % 16]
      return { family, style, bytes }
    })
  )
}

/** Where the tests find Chromium: `CHROMIUM_PATH`, else Debian's. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** The system tools some tests read editions with, how to tell one is there, and how to install it (Debian). */
const tools = {
  chromium: { name: 'Chromium', install: 'apt-get install chromium', present: () => existsSync(chromiumPath) },
  libreoffice: { name: 'LibreOffice', install: 'apt-get install libreoffice-writer-nogui', present: () => runs('soffice', ['--version']) },
  poppler: { name: 'poppler (pdftotext, pdfinfo, pdffonts)', install: 'apt-get install poppler-utils', present: () => runs('pdftotext', ['-v']) },
  qpdf: { name: 'qpdf', install: 'apt-get install qpdf', present: () => runs('qpdf', ['--version']) },
  git: { name: 'git', install: 'apt-get install git', present: () => runs('git', ['--version']) }
}

function runs(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore', timeout: 60_000 }).status === 0
}

const missingTools = new Map<keyof typeof tools, boolean>()

/**
 * True when every tool named is installed, for `describe.skipIf(!needs(…))`.
 * Where one is missing the tests skip with a line naming it and its install
 * command, except under CI (`CI` set): there a missing tool fails the run, so
 * CI never passes by skipping.
 */
export function needs(...names: Array<keyof typeof tools>): boolean {
  const missing = names.filter((name) => {
    if (!missingTools.has(name)) missingTools.set(name, !tools[name].present())
    return missingTools.get(name)
  })
  if (missing.length === 0) return true
  const lines = missing.map((name) => `${tools[name].name} is not installed (${tools[name].install})`)
  if (process.env.CI) throw new Error(`These tests need ${lines.join('; ')}; CI does not skip them`)
  console.warn(`skipped: ${lines.join('; ')}`)
  return false
}
