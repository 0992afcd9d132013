import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
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
