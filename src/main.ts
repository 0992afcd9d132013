import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { build, failed, packageRoot, type BuildOptions } from './build.js'
import { builtFormats } from './compile-cache.js'
import { displayPath, hasErrors } from './message.js'
import { defaultLimits, limitFlags, parseAmount, type Limits } from './limits.js'
import { reportProblems } from './report-problems.js'
import { availableFormats } from './renderers.js'
import { isFolder, ownTemplates } from './templates.js'
import type { Preview } from './preview.js'
import type { BuildRun, WatchOptions } from './watch.js'

/** Exit codes: 0 fine, 1 problems in the source, 2 a wrong command line, 3 a bug of ours. */
const EXIT_PROBLEMS = 1
const EXIT_USAGE = 2
const EXIT_INTERNAL = 3

const version = (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version
const defaultSource = path.join('source', 'report.md')

function parseFormats(value: string): string[] {
  const known = availableFormats()
  const formats = value.split(',').map((format) => format.trim()).filter(Boolean)
  const unknown = formats.filter((format) => !known.includes(format))
  if (unknown.length > 0 || formats.length === 0) {
    throw new InvalidArgumentError(`unknown format \`${unknown.join(', ')}\`, expected a comma-separated list of ${known.join(', ')}`)
  }
  return formats
}

/** `--templates DIR`: a folder that exists, or a wrong command line. */
function parseTemplatesFolder(value: string): string {
  if (!isFolder(value)) throw new InvalidArgumentError(`no folder \`${value}\`, expected a folder of templates to use over dossier’s own`)
  return value
}

/** The same option on every command. */
const templatesOption = () =>
  new Option('-t, --templates <dir>', 'a folder of templates used over dossier’s own: only the files it holds').argParser(parseTemplatesFolder)

interface BuildFlags {
  out: string
  format?: string[]
  audience?: string
  paper?: string
  templates?: string
  root?: string
  watch?: boolean
  quiet?: boolean
  strict?: boolean
  site?: boolean
}

/** How a build runs from the command line. */
interface RunFlags {
  quiet?: boolean
  /** Write a site: `index.html` beside the editions; a folder of reports always does. */
  site?: boolean
}

/** Run one build (of a site, for `--site` or a folder of reports), print its problems and what it wrote. */
async function runBuild(options: BuildOptions, flags: RunFlags = {}): Promise<BuildRun> {
  const started = performance.now()
  const source = options.source ?? defaultSource
  const { files, written } = flags.site || isFolder(source)
    ? // Loaded only for a site: its template and page code need not slow every other command.
      await (await import('./site.js')).buildSite({ ...options, source })
    : await build(options).then((result) => ({ files: [result.file], written: result.written }))
  builtFormats(options.check ? 0 : (options.formats ?? availableFormats()).length)
  const problems = reportProblems(files, { quiet: flags.quiet })
  if (problems) console.error(problems)
  const run = { ok: !files.some((file) => failed(file, options.strict)), problems: reportProblems(files), written, file: files[0] }
  const why = run.ok || files.some(hasErrors) ? '' : ' (--strict fails on warnings)'
  if (!options.check) {
    const elapsed = Math.round(performance.now() - started)
    const count = `${written.length} file${written.length === 1 ? '' : 's'}`
    if (!run.ok) console.error(`dossier: build failed${why}, ${written.length > 0 ? `wrote ${count} before it did; the rest of ` : ''}${options.outDir ?? 'out'}/ left as it was`)
    else console.log(`dossier: wrote ${count} in ${elapsed} ms`)
    for (const path of written) console.log(`  ${path}`)
  } else if (why) console.error(`dossier: check failed${why}`)
  return run
}

/** Build, then rebuild on each change until stopped; say "watching" only once a save will be seen. */
async function watch(options: BuildOptions, flags: RunFlags, hooks: Pick<WatchOptions, 'onWrite' | 'onBuilt'> = {}): Promise<void> {
  const { watchSource } = await import('./watch.js')
  const images = await watchSource(options, {
    ...hooks,
    run: (each) => runBuild(each, flags),
    onError: (error) => console.error(`dossier: internal error: ${error.message}`)
  })
  const source = displayPath(options.source ?? defaultSource)
  console.log(`dossier: watching ${[source, ...images.map(displayPath)].join(', ')}, its memo definitions and its templates (Ctrl-C to stop)`)
  // Stopped as a finished build stops, so that what it keeps for the next run (shapes, widths) is written.
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) process.once(signal, () => process.exit(code))
}

function buildOptions(source: string | undefined, flags: BuildFlags): BuildOptions {
  return {
    source: source ?? defaultSource,
    outDir: flags.out,
    formats: flags.format,
    audience: flags.audience,
    paper: flags.paper,
    templatesDir: flags.templates,
    root: flags.root,
    strict: flags.strict,
    limits: limitsFrom(flags)
  }
}

const limitHelp: Record<keyof Limits, string> = {
  inputBytes: 'largest source, in bytes (k, M, G)',
  depth: 'deepest nesting of quotes, lists, emphasis and links',
  tableCells: 'most cells in one table',
  footnotes: 'most footnotes',
  imagePixels: 'most pixels in one image (width × height)'
}

/** The limit flags (`--max-depth 64`). */
function withLimits(command: Command): Command {
  for (const key of Object.keys(defaultLimits) as Array<keyof Limits>) {
    command.addOption(
      new Option(`${limitFlags[key]} <amount>`, `${limitHelp[key]} (default: ${defaultLimits[key]})`).argParser((value) => {
        const amount = parseAmount(value)
        if (amount === undefined) throw new InvalidArgumentError('expected a positive number, such as 64 or 20MB')
        return amount
      })
    )
  }
  return command
}

/** The limits given on the command line, by their flags' names (`maxDepth`). */
function limitsFrom(flags: object): Partial<Limits> {
  const given = flags as Record<string, number | undefined>
  const limits: Partial<Limits> = {}
  for (const key of Object.keys(defaultLimits) as Array<keyof Limits>) {
    const value = given[new Option(limitFlags[key]).attributeName()]
    if (value !== undefined) limits[key] = value
  }
  return limits
}

const rootHelp = 'folder images may be read from (default: the source’s folder)'

const program = new Command()
  .name('dossier')
  .description('Publish a policy report from one Markdown source: web, print, Word, data and one-page memos.')
  .version(version, '-v, --version')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .configureOutput({ outputError: (message, write) => write(`dossier: ${message.replace(/^error: /, '')}`) })

withLimits(program.command('build'))
  .description('build every edition of a report (or those named with --format)')
  .argument('[source]', 'Markdown source', defaultSource)
  .option('-o, --out <dir>', 'output folder', 'out')
  .addOption(new Option('-f, --format <list>', `formats to build, comma-separated: ${availableFormats().join(', ')}`).argParser(parseFormats))
  .option('-a, --audience <id>', 'build only the memo with this id')
  .addOption(new Option('-p, --paper <size>', 'paper for the PDF edition (default: the template’s, letter)').choices(['letter', 'a4']))
  .addOption(templatesOption())
  .option('--root <dir>', rootHelp)
  .option('-s, --site', 'also write index.html, listing every file (a folder of reports always does)')
  .option('-w, --watch', 'rebuild when the source, a memo definition or a template changes')
  .option('-q, --quiet', 'print errors only, not warnings')
  .option('--strict', 'fail on warnings too, writing nothing')
  .action(async (source: string, flags: BuildFlags) => {
    if (flags.audience && flags.format && !flags.format.includes('memo')) {
      program.error('--audience chooses a memo, but --format leaves memos out', { exitCode: EXIT_USAGE })
    }
    const options = buildOptions(source, flags)
    if (flags.watch) return watch(options, flags)
    if (!(await runBuild(options, flags)).ok) process.exitCode = EXIT_PROBLEMS
  })

withLimits(program.command('preview'))
  .description('build, serve the editions on 127.0.0.1 and reload the page after each change')
  .argument('[source]', 'Markdown source', defaultSource)
  .option('-o, --out <dir>', 'output folder', 'out')
  .addOption(new Option('-f, --format <list>', 'formats to rebuild on each change').argParser(parseFormats).default(['html', 'json'], 'html,json'))
  .option('-p, --port <number>', 'port to listen on', (value) => {
    const port = Number(value)
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('expected a port number')
    return port
  }, 4321)
  .addOption(templatesOption())
  .option('--root <dir>', rootHelp)
  .action(async (source: string, flags: BuildFlags & { port: number }, command: Command) => {
    const { startPreview } = await import('./preview.js')
    const options = buildOptions(source, flags)
    const outDir = options.outDir ?? 'out'
    const index = `${path.basename(source, path.extname(source))}.html`
    // A port asked for is that port or none; the default gives way to the next free one.
    const asked = command.getOptionValueSource('port') === 'cli'
    let preview: Preview | undefined
    for (let port = flags.port; !preview; port++) {
      try {
        preview = await startPreview(outDir, port, index)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
        if (asked || port >= flags.port + 20) {
          console.error(`dossier: port ${port} is in use (another preview?), expected a free port: choose one with --port`)
          process.exitCode = EXIT_PROBLEMS
          return
        }
      }
    }
    if (flags.port !== 0 && preview.port !== flags.port) console.log(`dossier: port ${flags.port} is in use, so previewing on ${preview.port}`)
    console.log(`dossier: previewing ${preview.url}`)
    const live = preview
    const inside = (files: string[]) => files.map((file) => path.relative(path.resolve(outDir), path.resolve(file)).split(path.sep).join('/'))
    await watch(options, {}, {
      onWrite: (written) => live.wrote(inside(written)),
      onBuilt: (run) => (run.ok ? live.built(inside(run.written)) : live.failed(run.problems))
    })
  })

withLimits(program.command('check'))
  .description('check a report, its templates and memo definitions for problems, writing nothing')
  .argument('[source]', 'Markdown source', defaultSource)
  .addOption(templatesOption())
  .option('--root <dir>', rootHelp)
  .option('-q, --quiet', 'print errors only, not warnings')
  .option('--strict', 'fail on warnings too')
  .action(async (source: string, flags: { quiet?: boolean; strict?: boolean; templates?: string; root?: string }) => {
    const { ok } = await runBuild({ source, check: true, templatesDir: flags.templates, root: flags.root, strict: flags.strict, limits: limitsFrom(flags) }, flags)
    if (ok) console.log(`dossier: ${source}: no errors`)
    else process.exitCode = EXIT_PROBLEMS
  })

withLimits(program.command('memo'))
  .description('build one audience’s memo, overriding its definition’s fields without editing files')
  .argument('<id>', 'memo id (a definition in memos/ beside the source)')
  .argument('[source]', 'Markdown source', defaultSource)
  .option('-o, --out <dir>', 'output folder', 'out')
  .option('--to <text>', 'the MEMORANDUM FOR line')
  .option('--from <text>', 'the FROM line')
  .option('--date <text>', 'the DATE line')
  .option('--subject <text>', 'the SUBJECT line')
  .option('-q, --quiet', 'print errors only, not warnings')
  .addOption(templatesOption())
  .option('--root <dir>', rootHelp)
  .action(async (id: string, source: string, flags: BuildFlags & { to?: string; from?: string; date?: string; subject?: string }) => {
    const memoOverrides = Object.fromEntries(
      (['to', 'from', 'date', 'subject'] as const).filter((key) => flags[key] !== undefined).map((key) => [key, flags[key]!])
    )
    const options = { ...buildOptions(source, flags), formats: ['memo'], audience: id, memoOverrides }
    if (!(await runBuild(options, flags)).ok) process.exitCode = EXIT_PROBLEMS
  })

program
  .command('diff')
  .description('say what changed in a report: items, sections, memos and front matter, as Markdown (or JSON)')
  .argument('<old>', 'the old source, or a git revision of NEW (HEAD~1, main) read with git show')
  .argument('[new]', 'Markdown source', defaultSource)
  .option('--json', 'print JSON (schema/diff.schema.json) instead of Markdown')
  .action(async (old: string, next: string, flags: { json?: boolean }) => {
    const { diffCommand } = await import('./diff/command.js')
    if (!(await diffCommand(old, next, flags))) process.exitCode = EXIT_PROBLEMS
  })

program
  .command('init')
  .description('start a new report: source/report.md with one of each kind of item, a figure, a table, a footnote and a memo')
  .argument('[dir]', 'folder to start it in', '.')
  .action(async (dir: string) => {
    const { copyFolder } = await import('./init.js')
    const result = await copyFolder(path.join(packageRoot, 'starter'), path.join(dir, 'source'))
    if (!wroteAll(result, 'a folder without a report')) return
    const inside = path.relative(process.cwd(), dir)
    console.log(`dossier: next, ${inside && inside !== '.' ? `cd ${inside} && ` : ''}dossier preview (or dossier build)`)
  })

program
  .command('templates')
  .description('work with the templates: `templates eject DIR`')
  .command('eject')
  .description('copy dossier’s templates into a folder to change, for --templates')
  .argument('<dir>', 'folder to copy them into')
  .action(async (dir: string) => {
    const { copyFolder } = await import('./init.js')
    const result = await copyFolder(ownTemplates, dir)
    if (wroteAll(result, 'a folder without templates')) console.log(`dossier: change them there, then build with --templates ${displayPath(dir)}`)
  })

/** Print what a copy wrote, or why it wrote nothing (exit 1); true when it wrote. */
function wroteAll(result: { written: string[] } | { existing: string[] }, expected: string): boolean {
  if ('existing' in result) {
    const [first, ...more] = result.existing.map(displayPath)
    console.error(`dossier: \`${first}\`${more.length > 0 ? ` and ${more.length} more` : ''} already exist${more.length > 0 ? '' : 's'}, expected ${expected}; nothing written`)
    process.exitCode = EXIT_PROBLEMS
    return false
  }
  console.log(`dossier: wrote ${result.written.length} files`)
  for (const file of result.written) console.log(`  ${displayPath(file)}`)
  return true
}

/** Run the command line (`dossier …`); errors of the command line and our own end here, each with its exit code. */
export async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv)
  } catch (error) {
    if (error instanceof CommanderError) {
      const fine = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)
      process.exitCode = fine ? 0 : EXIT_USAGE
    } else {
      // Not the user's mistake: say so plainly; the stack only on request.
      console.error(`dossier: internal error: ${(error as Error).message}`)
      if (process.env.DOSSIER_DEBUG) console.error((error as Error).stack)
      process.exitCode = EXIT_INTERNAL
    }
  }
}
