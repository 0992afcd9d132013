import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { VFile } from 'vfile'
import { loadDesign } from './design.js'
import { checkFontTable } from './fonts.js'
import { loadLabels } from './labels.js'
import { hasErrors, hasWarnings, problem } from './message.js'
import { parseReport } from './pipeline.js'
import { availableFormats, loadRenderer } from './renderers.js'
import { templateLayers } from './templates.js'
import { defaultLimits, limitFlags, type Limits } from './limits.js'
import type { EditionFile, MemoOverrides, OutputFile, Renderer, RenderContext } from './types.js'
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
 * `strict`, a warning), all or none (`write-outputs.ts`), so a failed build
 * leaves the previous editions as they were. With `firstFormats`, those are
 * rendered and written first, and the others after: a failure in the
 * others leaves the first written.
 */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const written: string[] = []
  let staging: Staging | undefined
  try {
    const { file } = await renderReport(options, {
      // The output folder is opened once the source is read: one that
      // cannot be written stops the build before any work is done.
      async onRead(file) {
        if (options.check) return true
        staging = await openOutput(file, options.outDir ?? 'out')
        return staging !== undefined
      },
      async onRendered(file, editions) {
        // After an error nothing more is written; the later formats still run, to report their problems too.
        if (!staging || failed(file, options.strict)) return
        const batch = await commit(file, staging, editions)
        // The web page written again (with every edition linked) counts once.
        written.push(...batch.filter((target) => !written.includes(target)))
        if (batch.length > 0) options.onWrite?.(batch)
      }
    })
    return { file, written }
  } finally {
    await staging?.discard()
  }
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

interface RenderHooks {
  /** Told once the source is read, before it is parsed; false stops there. */
  onRead?(file: VFile): Promise<boolean>
  /** Told each group of files as it is made (the `firstFormats`, then the rest). */
  onRendered?(file: VFile, editions: EditionFile[]): Promise<void>
}

/** Parse a source and render its editions in memory, writing nothing. */
export async function renderReport(options: BuildOptions = {}, hooks: RenderHooks = {}): Promise<RenderedReport> {
  const source = options.source ?? path.join('source', 'report.md')
  const file = new VFile({ path: source })
  const limits = { ...defaultLimits, ...options.limits }
  if (!(await readSource(file, limits.inputBytes))) return { file, editions: [] }
  if (hooks.onRead && !(await hooks.onRead(file))) return { file, editions: [] }
  const templates = templateLayers(source, options.templatesDir)
  // Read once for every edition, so a broken template is one message, not one per edition.
  const labels = await loadLabels(file, templates)
  const design = await loadDesign(file, templates)
  const fonts = await checkFontTable(file, templates)
  if (!labels || !design || !fonts) return { file, editions: [] }
  const tree = await parseReport(file, { root: options.root, labels, limits })
  if (hasErrors(file)) return { file, editions: [] }

  const context: RenderContext = {
    name: path.basename(source, path.extname(source)),
    templates,
    design,
    labels,
    date: timestamp(file.data.meta?.date),
    paper: options.paper,
    audience: options.audience,
    memoOverrides: options.memoOverrides
  }
  const formats = options.formats ?? availableFormats()
  const first = formats.filter((format) => options.firstFormats?.includes(format))
  const editions: EditionFile[] = []
  // Each renderer that links the other editions, with how many it was told of.
  const linked: Array<{ renderer: Renderer; told: number }> = []
  const render = async (renderer: Renderer, others: EditionFile[]): Promise<EditionFile[]> => {
    if (renderer.linksEditions) linked.push({ renderer, told: others.length })
    const files = await renderer.render(tree, file, renderer.linksEditions ? { ...context, editions: others } : context)
    return files.map((output) => ({ ...output, format: renderer.format }))
  }
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
        else made.push(...(await render(renderer, [...editions, ...made])))
      } catch (error) {
        renderFailed(file, renderer.format, error, options.check)
      }
    }
    // Listed, and written, in the order the formats were asked for.
    made.sort((a, b) => group.indexOf(a.format) - group.indexOf(b.format))
    editions.push(...made)
    await hooks.onRendered?.(file, made)
  }
  // A linking renderer in the first group (the web page under `--watch`)
  // was told only of that group's files: once the rest are made it is
  // rendered again, so that it links every edition, as a plain build's does.
  for (const { renderer, told } of linked.splice(0)) {
    // In the order the formats were asked for, as one group's would be.
    const others = editions.filter((edition) => edition.format !== renderer.format).sort((a, b) => formats.indexOf(a.format) - formats.indexOf(b.format))
    if (hasErrors(file) || others.length === told) continue
    try {
      const again = await render(renderer, others)
      editions.splice(0, editions.length, ...editions.map((edition) => again.find((file) => file.path === edition.path) ?? edition))
      await hooks.onRendered?.(file, again)
    } catch (error) {
      renderFailed(file, renderer.format, error, options.check)
    }
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

/** Write outputs all or none, into a fresh staging of `outDir` (a site's pages, say); [] when they cannot be. */
export async function writeAll(file: VFile, outDir: string, outputs: OutputFile[]): Promise<string[]> {
  const staging = await openOutput(file, outDir)
  if (!staging) return []
  try {
    return await commit(file, staging, outputs)
  } finally {
    await staging.discard()
  }
}

async function openOutput(file: VFile, outDir: string): Promise<Staging | undefined> {
  try {
    return await openStaging(outDir)
  } catch (error) {
    unwritable(file, error)
    return undefined
  }
}

/** Move outputs into place, all or none; a failure is the `output-unwritable` problem. */
async function commit(file: VFile, staging: Staging, outputs: OutputFile[]): Promise<string[]> {
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
    // Synchronous, as templates are read (`readTemplate`): one source, read at once.
    const stats = statSync(file.path)
    if (stats.isDirectory()) throw Object.assign(new Error('folder'), { code: 'EISDIR' })
    if (!stats.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOTFILE' })
    if (stats.size > maxBytes) {
      const start = { line: 1, column: 1, offset: 0 }
      problem(file, `Unexpected source of ${stats.size} bytes, expected at most ${maxBytes} (${limitFlags.inputBytes})`, { start, end: start }, 'limit-input')
      return false
    }
    file.value = readFileSync(file.path, 'utf8')
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
