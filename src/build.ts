import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { VFile } from 'vfile'
import { hasErrors, problem } from './message.js'
import { parseReport } from './pipeline.js'
import { availableFormats, loadRenderer } from './renderers.js'
import type { OutputFile, RenderContext } from './types.js'

export interface BuildOptions {
  /** The Markdown source. Default: `source/report.md`. */
  source?: string
  /** Where editions go. Default: `out`. */
  outDir?: string
  /** Formats to write. Default: every format in `src/render/`. */
  formats?: string[]
  /** Templates folder. Default: dossier's own `templates/`. */
  templatesDir?: string
  /** Paper for print editions: `letter` or `a4`. Default: the template's. */
  paper?: string
  /** Only this memo audience. */
  audience?: string
  /** Field overrides for memos (`to`, `from`, `date`). */
  memoOverrides?: Record<string, string>
  /** Parse and check only; write nothing. */
  check?: boolean
}

export interface BuildResult {
  file: VFile
  /** Paths written, relative to the working folder. Empty when the build failed. */
  written: string[]
}

export const packageRoot = fileURLToPath(new URL('..', import.meta.url))

/**
 * Build editions of one source. Everything is rendered in memory first; the
 * outputs are written only when no renderer reported an error, each file
 * replaced atomically, so a failed build leaves the previous editions as
 * they were.
 */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const source = options.source ?? path.join('source', 'report.md')
  const file = new VFile({ path: source })
  try {
    file.value = await readFile(source, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? ''
    const why = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a folder' }[code] ?? String(error)
    problem(file, `Cannot read the source: ${why}, expected a Markdown file`, undefined, 'source-unreadable')
    return { file, written: [] }
  }
  const tree = await parseReport(file)
  if (hasErrors(file)) return { file, written: [] }

  const context: RenderContext = {
    name: path.basename(source, path.extname(source)),
    templatesDir: options.templatesDir ?? defaultTemplatesDir(),
    date: fixedDate(file.data.meta?.date),
    isoDate: process.env.SOURCE_DATE_EPOCH ? fixedDate(undefined).toISOString().slice(0, 10) : (file.data.meta?.date ?? '1980-01-01'),
    paper: options.paper,
    audience: options.audience,
    memoOverrides: options.memoOverrides
  }
  const outputs: OutputFile[] = []
  for (const format of options.formats ?? availableFormats()) {
    try {
      const renderer = await loadRenderer(format)
      if (options.check) await renderer.check?.(tree, file, context)
      else outputs.push(...(await renderer.render(tree, file, context)))
    } catch (error) {
      // A renderer's own failure is still reported as a message, loudly.
      problem(file, `Cannot ${options.check ? 'check' : 'write'} the ${format} edition: ${(error as Error).message}`, undefined, `render-${format}`)
    }
  }
  if (options.check) return { file, written: [] }
  if (hasErrors(file)) return { file, written: [] }

  const outDir = options.outDir ?? 'out'
  const written: string[] = []
  for (const output of outputs) {
    const target = path.join(outDir, output.path)
    await mkdir(path.dirname(target), { recursive: true })
    const temporary = `${target}.${process.pid}.tmp`
    await writeFile(temporary, output.data)
    await rename(temporary, target)
    written.push(target)
  }
  return { file, written }
}

function defaultTemplatesDir(): string {
  return path.join(packageRoot, 'templates')
}

/**
 * The date stamped into editions: SOURCE_DATE_EPOCH when set (reproducible
 * builds), else the report's own date, never the clock.
 */
export function fixedDate(reportDate: string | undefined): Date {
  const epoch = process.env.SOURCE_DATE_EPOCH
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000)
  const [year = '1980', month = '01', day = '01'] = (reportDate ?? '').split('-').filter(Boolean)
  return new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)))
}
