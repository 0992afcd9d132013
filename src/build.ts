import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { VFile } from 'vfile'
import { loadDesign } from './design.js'
import { loadLabels } from './labels.js'
import { hasErrors, hasWarnings, problem } from './message.js'
import { parseReport } from './pipeline.js'
import { availableFormats, loadRenderer } from './renderers.js'
import { templateLayers } from './templates.js'
import type { EditionFile, MemoOverrides, OutputFile, Renderer, RenderContext } from './types.js'

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
  /** Fail on warnings too, writing nothing more. */
  strict?: boolean
}

export interface BuildResult {
  file: VFile
  /** Paths written, relative to the working folder. Empty when the build failed (but for `firstFormats` written before it did). */
  written: string[]
}

export const packageRoot = fileURLToPath(new URL('..', import.meta.url))

/**
 * Build editions of one source. Everything is rendered in memory first; the
 * outputs are written only when no renderer reported an error (nor, with
 * `strict`, a warning), each file replaced atomically, so a failed build
 * leaves the previous editions as they were. With `firstFormats`, those are
 * rendered and written first, and the others after: a failure in the
 * others leaves the first written.
 */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const written: string[] = []
  const { file } = await renderReport(options, async (file, editions) => {
    // After an error nothing more is written; the later formats still run, to report their problems too.
    if (options.check || failed(file, options.strict)) return
    const batch = await writeAll(file, options.outDir ?? 'out', editions)
    written.push(...batch)
    if (batch.length > 0) options.onWrite?.(batch)
  })
  return { file, written }
}

/** What `renderReport` made: the source's vfile, with its problems, and the files, in memory. */
export interface RenderedReport {
  file: VFile
  /** Empty when it has errors or only checked. */
  editions: EditionFile[]
}

/** True when a build must not write: an error, or with `strict`, a warning. */
export function failed(file: VFile, strict = false): boolean {
  return hasErrors(file) || (strict && hasWarnings(file))
}

/**
 * Parse a source and render its editions in memory, writing nothing;
 * `onRendered` is told each group of files as it is made (the
 * `firstFormats`, then the rest).
 */
export async function renderReport(options: BuildOptions = {}, onRendered?: (file: VFile, editions: EditionFile[]) => Promise<void>): Promise<RenderedReport> {
  const source = options.source ?? path.join('source', 'report.md')
  const file = new VFile({ path: source })
  try {
    file.value = await readFile(source, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? ''
    const why = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a folder' }[code] ?? String(error)
    problem(file, `Cannot read the source: ${why}, expected a Markdown file`, undefined, 'source-unreadable')
    return { file, editions: [] }
  }
  const templates = templateLayers(source, options.templatesDir)
  // Read once for every edition, so a broken template is one message, not one per edition.
  const labels = await loadLabels(file, templates)
  const design = await loadDesign(file, templates)
  if (!labels || !design) return { file, editions: [] }
  const tree = await parseReport(file, { root: options.root, labels })
  if (hasErrors(file)) return { file, editions: [] }

  const reportDate = file.data.meta?.date
  const context: RenderContext = {
    name: path.basename(source, path.extname(source)),
    templates,
    design,
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
  const editions: EditionFile[] = []
  for (const group of [first, formats.filter((format) => !first.includes(format))]) {
    if (group.length === 0) continue
    const renderers: Renderer[] = []
    for (const format of group) {
      try {
        renderers.push(await loadRenderer(format))
      } catch (error) {
        renderFailed(file, format, error, options.check)
      }
    }
    // A renderer that links the other editions (the web page's downloads)
    // comes last, to be told the files made before it.
    renderers.sort((a, b) => Number(a.linksEditions ?? false) - Number(b.linksEditions ?? false))
    const made: EditionFile[] = []
    for (const renderer of renderers) {
      try {
        if (options.check) await renderer.check?.(tree, file, context)
        else {
          const files = await renderer.render(tree, file, renderer.linksEditions ? { ...context, editions: [...editions, ...made] } : context)
          made.push(...files.map((output) => ({ ...output, format: renderer.format })))
        }
      } catch (error) {
        renderFailed(file, renderer.format, error, options.check)
      }
    }
    // Listed, and written, in the order the formats were asked for.
    made.sort((a, b) => group.indexOf(a.format) - group.indexOf(b.format))
    editions.push(...made)
    await onRendered?.(file, made)
  }
  return { file, editions: options.check || hasErrors(file) ? [] : editions }
}

/**
 * A renderer's own failure is still reported as a message, loudly; with
 * DOSSIER_DEBUG the CLI shows its stack instead.
 */
function renderFailed(file: VFile, format: string, error: unknown, check = false): void {
  if (process.env.DOSSIER_DEBUG) throw error
  problem(file, `Cannot ${check ? 'check' : 'write'} the ${format} edition: ${(error as Error).message}`, undefined, `render-${format}`)
}

/**
 * Write every output to a temporary file beside its target first, and only
 * when all are written rename them into place: a full disk or an
 * unwritable folder leaves the previous editions whole.
 */
export async function writeAll(file: VFile, outDir: string, outputs: OutputFile[]): Promise<string[]> {
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
