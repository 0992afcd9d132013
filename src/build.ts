import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { VFile } from 'vfile'
import { loadLabels } from './labels.js'
import { hasErrors, problem } from './message.js'
import { parseReport } from './pipeline.js'
import { availableFormats, loadRenderer } from './renderers.js'
import { templateLayers } from './templates.js'
import type { MemoOverrides, OutputFile, RenderContext } from './types.js'

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
  try {
    file.value = await readFile(source, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? ''
    const why = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a folder' }[code] ?? String(error)
    problem(file, `Cannot read the source: ${why}, expected a Markdown file`, undefined, 'source-unreadable')
    return { file, written: [] }
  }
  const templates = templateLayers(source, options.templatesDir)
  const labels = await loadLabels(file, templates)
  if (!labels) return { file, written: [] }
  const tree = await parseReport(file, { root: options.root, labels })
  if (hasErrors(file)) return { file, written: [] }

  const reportDate = file.data.meta?.date
  const context: RenderContext = {
    name: path.basename(source, path.extname(source)),
    templates,
    date: timestamp(reportDate),
    // What a reader sees is the report's own date at its own precision
    // ("December 2015"), whatever the build's settings: never a made-up day.
    isoDate: reportDate ?? '',
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
    if (options.check || hasErrors(file)) continue
    const batch = await writeAll(file, options.outDir ?? 'out', outputs)
    written.push(...batch)
    if (batch.length > 0) options.onWrite?.(batch)
  }
  return { file, written }
}

/**
 * Write every output to a temporary file beside its target first, and only
 * when all are written rename them into place: a full disk or an
 * unwritable folder leaves the previous editions whole.
 */
async function writeAll(file: VFile, outDir: string, outputs: OutputFile[]): Promise<string[]> {
  const staged: Array<{ temporary: string; target: string }> = []
  try {
    for (const output of outputs) {
      const target = path.join(outDir, output.path)
      const temporary = `${target}.${process.pid}.tmp`
      await mkdir(path.dirname(target), { recursive: true })
      staged.push({ temporary, target })
      await writeFile(temporary, output.data)
    }
  } catch (error) {
    await Promise.all(staged.map(({ temporary }) => rm(temporary, { force: true })))
    const { code, path: where } = error as NodeJS.ErrnoException
    problem(file, `Cannot write to \`${where ?? outDir}\` (${code ?? String(error)}), expected a folder dossier may write in`, undefined, 'output-unwritable')
    return []
  }
  for (const { temporary, target } of staged) await rename(temporary, target)
  return staged.map(({ target }) => target)
}

/**
 * The timestamp inside files (PDF metadata, zip entries), never shown as a
 * date to a reader: SOURCE_DATE_EPOCH when set (reproducible builds), else
 * the report's own date, never the clock.
 */
function timestamp(reportDate: string | undefined): Date {
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
