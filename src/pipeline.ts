import { createHash } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Root } from 'mdast'
import remarkDirective from 'remark-directive'
import remarkFrontmatter from 'remark-frontmatter'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import { unified } from 'unified'
import type { VFile } from 'vfile'
import { labelDefaults, type Labels } from './labels.js'
import remarkA11y from './plugins/remark-a11y.js'
import remarkCrossReferences from './plugins/remark-cross-references.js'
import remarkDirectiveFallback from './plugins/remark-directive-fallback.js'
import remarkFigures from './plugins/remark-figures.js'
import remarkForeignSyntax from './plugins/remark-foreign-syntax.js'
import remarkImages from './plugins/remark-images.js'
import remarkItemIds from './plugins/remark-item-ids.js'
import remarkItemVocabulary from './plugins/remark-item-vocabulary.js'
import remarkItems from './plugins/remark-items.js'
import remarkMeta from './plugins/remark-meta.js'
import remarkOutline from './plugins/remark-outline.js'
import remarkRawHtml from './plugins/remark-raw-html.js'
import remarkTitle from './plugins/remark-title.js'
import type { ReportData } from './types.js'
import { defaultLimits, type Limits } from './limits.js'
import { scanNesting } from './nesting-scan.js'
import { ParseCache, type Parsed } from './reparse.js'
import { readCache, writeCache } from './disk-cache.js'
import remarkLimits, { reportDepth } from './plugins/remark-limits.js'
import { removeUnwantedCharacters } from './source-text.js'
import { remember } from './remember.js'

/** How a source is read. */
export interface ParseOptions {
  /** The folder images may be read from. Default: the source's folder. */
  root?: string
  /** The words the report's body gets from dossier: cross-references and captions. Default: dossier's. */
  labels?: Labels
  /** Limits on depth, tables, footnotes and images. Default: `defaultLimits`. */
  limits?: Partial<Limits>
}

/**
 * The last parse of each source, kept in memory and in dossier's cache, so
 * that the next build parses only what an edit changed (`reparse.ts`).
 * Reading a tree back is a fraction of parsing its text, at any length: the
 * report copied 100 times (2.3 MB) parses in about 2.5 s, and its tree, 7
 * MB of JSON, reads in about a tenth of that.
 */
const parses = new ParseCache({
  read(key) {
    try {
      const parsed = JSON.parse(readCache('parse', key)?.toString('utf8') ?? 'null') as Parsed | null
      return typeof parsed?.text === 'string' && parsed.tree?.type === 'root' ? parsed : undefined
    } catch {
      return undefined
    }
  },
  write(key, parsed) {
    // Written when the process is done, or idle a while under `--watch`: the next run needs it, not this build.
    unwritten.set(key, parsed)
    clearTimeout(writeLater)
    writeLater = setTimeout(writeParses, 2000).unref()
  }
})
const unwritten = new Map<string, Parsed>()
let writeLater: NodeJS.Timeout | undefined
process.on('beforeExit', writeParses)

function writeParses(): void {
  for (const [key, parsed] of unwritten) {
    try {
      // A tree of a quarter of the room or more (a source of pathological nesting) would push out the others.
      const json = JSON.stringify(parsed)
      if (json.length < keptParseBytes / 4) writeCache('parse', key, Buffer.from(json), keptParseFiles, keptParseBytes)
    } catch {
      // A tree too deep to write is parsed whole next time.
    }
  }
  unwritten.clear()
}

/** Sources whose last parse is kept between runs: the most recently built, in at most this many bytes on disk. */
const keptParseFiles = 200
const keptParseBytes = 256 * 1024 * 1024

/** A source's key in the cache: its path, and the parser's own file (bundled chunks are named by their content). */
function parseKey(source: string): string {
  return createHash('sha256').update(`${fileURLToPath(import.meta.url)}\n${path.resolve(source)}`).digest('hex')
}

/** The parser's depth beyond the tree's limit: the scan before parsing errs high, so it gets room. */
const scanSlack = 4

/** The syntax dossier reads. */
function withSyntax(processor: ReturnType<typeof unified>) {
  return (
    processor
      // Parse: CommonMark.
      .use(remarkParse)
      // Syntax extensions: YAML front matter, GFM (tables, footnotes,
      // autolinks, strikethrough), directives (`:finding[…]{#id}`).
      .use(remarkFrontmatter, ['yaml'])
      .use(remarkGfm)
      .use(remarkDirective)
  )
}

let syntaxOnly: ReturnType<typeof withSyntax> | undefined

/** A source's syntax tree as parsed, before any transform. */
export function parseMarkdown(text: string): Root {
  syntaxOnly ??= withSyntax(unified())
  return syntaxOnly.parse(text)
}

/**
 * The processor for these options, made and frozen once: a frozen unified
 * processor runs any number of files, and every transform keeps its state
 * within one run. Under `--watch` making it again took a fifth of parsing.
 */
function processorFor(options: ParseOptions) {
  const key = JSON.stringify([options.labels ?? null, options.root ?? null, options.limits ?? null])
  return remember(processors, key, 8, () => createProcessor(options).freeze())
}

const processors = new Map<string, ReturnType<typeof createProcessor>>()

/**
 * The one processor every edition starts from. After `run`, the mdast tree
 * and `file.data` (meta, outline, items, figures, images) are all a
 * renderer may read.
 */
function createProcessor(options: ParseOptions) {
  const labels = options.labels ?? labelDefaults
  return (
    withSyntax(unified())
      // Limits first: a tree too deep, or too big, stops here before any
      // walk that recurses.
      .use(remarkLimits, options.limits)
      // Our transforms, in order: front matter into `file.data.meta`; the
      // title when the front matter has none (a sole leading `#` heading,
      // else the file name), headings shifted to make sections; heading
      // ids and the outline; items; figures and captioned tables numbered;
      // ids checked; items' audiences and themes checked against the front
      // matter; links to anchors checked, and those with no text given
      // their target's label; unknown directives back to text.
      .use(remarkMeta)
      .use(remarkTitle)
      .use(remarkOutline)
      .use(remarkItems)
      .use(remarkFigures, { labels })
      .use(remarkItemIds)
      .use(remarkItemVocabulary)
      .use(remarkCrossReferences, { labels })
      .use(remarkDirectiveFallback)
      // Other tools' syntax CommonMark reads as text (Pandoc's inline notes,
      // fenced divs and citations, Quarto's code chunks): warnings.
      .use(remarkForeignSyntax)
      // Raw HTML parsed into the mdast it means, for print and Word (the
      // web edition keeps the HTML as written); an `<img>` becomes an
      // image before the images are read.
      .use(remarkRawHtml)
      // What would make an edition hard to read with a screen reader
      // (no alt text, no table header, a skipped heading level, a link
      // that says “here”), raw HTML's included: warnings.
      .use(remarkA11y)
      // The pre-pass for every edition: images read from inside the root
      // folder into `file.data.images`, so renderers stay synchronous and
      // never read files themselves.
      .use(remarkImages, { root: options.root, maxPixels: options.limits?.imagePixels })
  )
}

/**
 * Parse and transform a source. Problems are messages on `file`. Before
 * parsing, characters no edition can carry are removed, and a source nested
 * far deeper than the limit is refused (the parser would take minutes).
 */
export async function parseReport(file: VFile, options: ParseOptions = {}): Promise<Root> {
  const { depth } = { ...defaultLimits, ...options.limits }
  removeUnwantedCharacters(file)
  const tooDeep = scanNesting(String(file.value), depth * scanSlack)
  if (tooDeep) {
    reportDepth(file, { start: tooDeep, end: tooDeep }, depth)
    return { type: 'root', children: [] }
  }
  const processor = processorFor(options)
  const text = String(file.value)
  const tree = file.path ? parses.parse(parseKey(file.path), text, (part) => processor.parse(part)) : processor.parse(file)
  return (await processor.run(tree, file)) as Root
}

/** The report's content as data: what `NAME.json` holds. */
export function reportData(file: VFile): ReportData {
  const items = file.data.items ?? []
  const figures = file.data.figures ?? []
  return {
    meta: file.data.meta!,
    outline: file.data.outline ?? [],
    findings: items.filter((item) => item.kind === 'finding'),
    objectives: items.filter((item) => item.kind === 'objective'),
    recommendations: items.filter((item) => item.kind === 'recommendation'),
    figures: figures.filter((figure) => figure.kind === 'figure'),
    tables: figures.filter((figure) => figure.kind === 'table')
  }
}
