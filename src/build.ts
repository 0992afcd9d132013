import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { VFile } from 'vfile'
import { loadLabels } from './labels.js'
import { hasErrors, problem } from './message.js'
import { parseReport } from './pipeline.js'
import { availableFormats, loadRenderer } from './renderers.js'
import { templateLayers } from './templates.js'
import type { MemoOverrides, OutputFile, RenderContext } from './types.js'
import { defaultLimits, limitFlags, type Limits } from './limits.js'
import { openStaging, OutputError, type Staging } from './write-outputs.js'

export interface BuildOptions {
  /** The Markdown source. Default: `source/report.md`. */
  source?: string
  /** Where editions go. Default: `out`. */
  outDir?: string
  /** Formats to write. Default: every format in `src/render/`. */
  formats?: string[]
  /**
   * A templates folder whose files override the same files of a
   * `templates/` folder beside the source, if there is one, and of
   * dossier's own `templates/`.
   */
  templatesDir?: string
  /** Paper for print editions: `letter` or `a4`. Default: the template's. */
  paper?: string
  /** Only this memo audience. */
  audience?: string
  /** Field overrides for memos (`to`, `from`, `date`). */
  memoOverrides?: MemoOverrides
  /** The folder images may be read from. Default: the source's folder. */
  root?: string
  /** Limits on the source's size, depth, tables, footnotes and images. Default: `defaultLimits`. */
  limits?: Partial<Limits>
  /** Parse and check only; write nothing. */
  check?: boolean
  /**
   * Formats written as soon as they are rendered, before the others are
   * rendered (`--watch` and `preview`: the web edition and the JSON, so an
   * edit shows before the PDF is laid out). Default: none, and every
   * output is written together or not at all.
   */
  firstFormats?: string[]
  /** Told the paths of each batch of files once it is written. */
  onWrite?(written: string[]): void
}

export interface BuildResult {
  file: VFile
  /** Paths written, relative to the working folder. Empty when the build failed (but for `firstFormats` written before it did). */
  written: string[]
}

export const packageRoot = fileURLToPath(new URL('..', import.meta.url))

/**
 * Build editions of one source. Everything is rendered in memory first; the
 * outputs are written only when no renderer reported an error, each file
 * replaced atomically, so a failed build leaves the previous editions as
 * they were. With `firstFormats`, those are rendered and written first, and
 * the others after: a failure in the others leaves the first written.
 */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const source = options.source ?? path.join('source', 'report.md')
  const file = new VFile({ path: source })
  const limits = { ...defaultLimits, ...options.limits }
  if (!(await readSource(file, limits.inputBytes))) return { file, written: [] }
  // The output folder is opened first: one that cannot be written stops
  // the build before any work is done.
  let staging: Staging | undefined
  if (!options.check) {
    try {
      staging = await openStaging(options.outDir ?? 'out')
    } catch (error) {
      unwritable(file, error)
      return { file, written: [] }
    }
  }
  try {
    return await buildFrom(file, options, limits, staging)
  } finally {
    await staging?.discard()
  }
}

async function buildFrom(file: VFile, options: BuildOptions, limits: Limits, staging: Staging | undefined): Promise<BuildResult> {
  const source = file.path
  const templates = templateLayers(source, options.templatesDir)
  const labels = await loadLabels(file, templates)
  if (!labels) return { file, written: [] }
  const tree = await parseReport(file, { root: options.root, labels, limits })
  if (hasErrors(file)) return { file, written: [] }

  const date = fixedDate(file.data.meta?.date)
  const context: RenderContext = {
    name: path.basename(source, path.extname(source)),
    templates,
    date,
    // The report's own date keeps its precision ("December 2015"), not a made-up day.
    isoDate: (sourceDateEpoch() === undefined && file.data.meta?.date) || date.toISOString().slice(0, 10),
    paper: options.paper,
    audience: options.audience,
    memoOverrides: options.memoOverrides
  }
  const formats = options.formats ?? availableFormats()
  const first = formats.filter((format) => options.firstFormats?.includes(format))
  const written: string[] = []
  for (const group of [first, formats.filter((format) => !first.includes(format))]) {
    if (group.length === 0) continue
    const outputs: OutputFile[] = []
    for (const format of group) {
      try {
        const renderer = await loadRenderer(format)
        if (options.check) await renderer.check?.(tree, file, context)
        else outputs.push(...(await renderer.render(tree, file, context)))
      } catch (error) {
        // A renderer's own failure is still reported as a message, loudly;
        // with DOSSIER_DEBUG the CLI shows its stack instead.
        if (process.env.DOSSIER_DEBUG) throw error
        problem(file, `Cannot ${options.check ? 'check' : 'write'} the ${format} edition: ${(error as Error).message}`, undefined, `render-${format}`)
      }
    }
    // After an error nothing more is written; the later formats still run, to report their problems too.
    if (!staging || hasErrors(file)) continue
    const batch = await writeAll(file, staging, outputs)
    written.push(...batch)
    if (batch.length > 0) options.onWrite?.(batch)
  }
  return { file, written }
}

/** Move outputs into place, all or none; a failure is the `output-unwritable` problem. */
async function writeAll(file: VFile, staging: Staging, outputs: OutputFile[]): Promise<string[]> {
  try {
    return await staging.commit(outputs)
  } catch (error) {
    unwritable(file, error)
    return []
  }
}

/** Read the source into `file`, refusing one that cannot be read or is over the size limit. */
async function readSource(file: VFile, maxBytes: number): Promise<boolean> {
  try {
    // Only a regular file: a FIFO or a device would block the read or never end.
    const stats = await stat(file.path)
    if (stats.isDirectory()) throw Object.assign(new Error('folder'), { code: 'EISDIR' })
    if (!stats.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOTFILE' })
    if (stats.size > maxBytes) {
      const start = { line: 1, column: 1, offset: 0 }
      problem(file, `Unexpected source of ${stats.size} bytes, expected at most ${maxBytes} (${limitFlags.inputBytes})`, { start, end: start }, 'limit-input')
      return false
    }
    file.value = await readFile(file.path, 'utf8')
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? ''
    const why = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a folder', ENOTFILE: 'not a regular file' }[code] ?? String(error)
    problem(file, `Cannot read the source: ${why}, expected a Markdown file`, undefined, 'source-unreadable')
    return false
  }
}

function unwritable(file: VFile, error: unknown): void {
  if (!(error instanceof OutputError)) throw error
  problem(file, `Cannot write to \`${error.where}\` (${error.why}), expected a folder dossier may write in; nothing was replaced`, undefined, 'output-unwritable')
}

/**
 * The date stamped into editions: SOURCE_DATE_EPOCH when set (reproducible
 * builds), else the report's own date, never the clock.
 */
function fixedDate(reportDate: string | undefined): Date {
  const epoch = sourceDateEpoch()
  if (epoch !== undefined) return new Date(epoch * 1000)
  const [year = '1980', month = '01', day = '01'] = (reportDate ?? '').split('-').filter(Boolean)
  return new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)))
}

/** SOURCE_DATE_EPOCH in seconds, when it is set to one. */
function sourceDateEpoch(): number | undefined {
  const epoch = process.env.SOURCE_DATE_EPOCH
  return epoch && /^\d+$/.test(epoch) ? Number(epoch) : undefined
}
