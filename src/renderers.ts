import { existsSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Renderer } from './types.js'

const renderDir = new URL('./render/', import.meta.url)

/**
 * The formats dossier can write: one folder each under `render/`, found at
 * run time so a new format is a new folder and nothing else. A renderer's
 * module (and its heavy dependencies, pdfmake, docx) loads only when used.
 */
export function availableFormats(): string[] {
  // Read once per process: the command line, the build and the compile cache each ask.
  formats ??= readdirSync(renderDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entryModule(entry.name) !== undefined)
    .map((entry) => entry.name)
    .sort()
  return [...formats]
}

let formats: string[] | undefined

export async function loadRenderer(format: string): Promise<Renderer> {
  const module = entryModule(format)
  if (!module) throw new Error(`Unknown format \`${format}\``)
  // By path: `dist/` is CommonJS, where a dynamic import is a `require` (scripts/bundle.mjs).
  const loaded = (await import(fileURLToPath(module))) as { renderer: Renderer }
  return loaded.renderer
}

function entryModule(format: string): URL | undefined {
  // Compiled JavaScript in dist/; TypeScript when tests run the sources.
  for (const name of ['index.js', 'index.ts']) {
    const url = new URL(`${format}/${name}`, renderDir)
    if (existsSync(url)) return url
  }
  return undefined
}
