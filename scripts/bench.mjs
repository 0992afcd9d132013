#!/usr/bin/env node
// Benchmark: how long builds take, how much memory they need, how large
// their files are, and how that compares with Pandoc on the same sources.
//   npm run bench [-- --runs N] [--quick] [--no-cache] [--json FILE]
//
// Sources: source/report.md, and copies of its body 10 and 100 times over
// (every item id made distinct), written to a temporary folder.
// Cold: the CLI as an editor runs it, a new process each time; wall time,
// CPU time (user + system) and peak resident memory from /usr/bin/time.
// Warm: rebuilds inside one process, as `build --watch` and `preview` do.
// Peer: pandoc on the same sources (standalone HTML, DOCX, and PDF through
// wkhtmltopdf when it is installed).
// Every round runs each job once, in turn, so a machine loaded by other work
// slows dossier and Pandoc alike: the ratios are what to read.
// Cold builds of report.md: as it is (the caches hold what an earlier round
// made of it), and after a one-line edit (as an editor rebuilds).
// --quick (for CI): one round, no 100× source. --no-cache empties dossier's
// cache (node_modules/.cache/dossier/) before each cold run, as on a fresh install.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const cli = path.join(root, 'dist', 'cli.js')
const argv = process.argv.slice(2)
const flag = (name) => argv.includes(name)
const value = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback)

if (flag('--warm')) await warmChild()
else await main()

async function main() {
  const quick = flag('--quick')
  const runs = Number(value('--runs', quick ? 1 : 3))
  const noCache = flag('--no-cache')
  const work = mkdtempSync(path.join(tmpdir(), 'dossier-bench-'))
  const sources = { '1×': path.join(root, 'source', 'report.md') }
  for (const copies of quick ? [10] : [10, 100]) sources[`${copies}×`] = writeCopies(work, copies)
  const memos = writeMemoDefinitions(work, 100)
  const edited = editedCopy(work)
  const has = (tool, args = ['--version']) => spawnSync(tool, args, { stdio: 'ignore' }).status === 0
  const pandoc = has('pandoc')
  const wkhtmltopdf = pandoc && has('wkhtmltopdf')
  const formats = JSON.parse(spawnSync(process.execPath, ['--input-type=module', '-e', `import { availableFormats } from ${JSON.stringify(path.join(root, 'dist', 'renderers.js'))}; console.log(JSON.stringify(availableFormats()))`], { encoding: 'utf8' }).stdout)
  const large = formats.filter((format) => format !== 'memo')

  /** Every job, run once a round; `cold` jobs are a new process, `warm` ones rebuild in one. */
  const jobs = []
  // The 100× source (2.3 MB) is over the default limit on a source's size (2 MB, a long book): raised for all alike.
  const dossier = (source, id, args, extra = {}) => jobs.push({ id: `${source} ${id}`, source, tool: 'dossier', command: process.execPath, args: [cli, ...args, '--max-input', '50MB'], ...extra })
  const out = (name) => path.join(work, 'out', name)
  for (const [name, file] of Object.entries(sources)) {
    const full = name === '1×'
    if (full) dossier(name, 'check', ['check', file])
    if (name !== '10×') for (const format of full ? formats : large) dossier(name, `build ${format}`, ['build', file, '--out', out(`${name}-${format}`), '--format', format])
    dossier(name, `build ${large.join(',')}`, ['build', file, '--out', out(`${name}-large`), '--format', large.join(',')])
    if (full) dossier(name, 'build (everything)', ['build', file, '--out', out(name)])
    // As an editor rebuilds: one line of the report changed each round (a copy, with its memo definitions beside it).
    if (full) dossier(name, 'build (everything) after a one-line edit', ['build', edited.source, '--out', out(`${name}-edited`)], { before: edited.edit })
    for (const format of full ? [...formats, undefined] : []) {
      jobs.push({ id: `${name} warm ${format ?? 'everything'}`, source: name, tool: 'dossier', warm: true, command: process.execPath, args: [fileURLToPath(import.meta.url), '--warm', file, format ?? 'all', out(`warm-${format ?? 'all'}`)] })
    }
    if (full) jobs.push({ id: `${name} watch rebuild html`, source: name, tool: 'dossier', warm: true, command: process.execPath, args: [fileURLToPath(import.meta.url), '--warm', file, 'edit', out('warm-edit')] })
    if (pandoc) {
      jobs.push({ id: `${name} pandoc html`, source: name, tool: 'pandoc', command: 'pandoc', args: [file, '--standalone', '-o', out(`${name}-pandoc.html`)] })
      jobs.push({ id: `${name} pandoc docx`, source: name, tool: 'pandoc', command: 'pandoc', args: [file, '-o', out(`${name}-pandoc.docx`)] })
      if (wkhtmltopdf && full) jobs.push({ id: `${name} pandoc pdf`, source: name, tool: 'pandoc', command: 'pandoc', args: [file, '--standalone', '--pdf-engine=wkhtmltopdf', '-o', out(`${name}-pandoc.pdf`)] })
    }
  }
  // A hundred new definitions: memos made, not read back from an earlier round (dossier keeps each memo by what it is made from).
  jobs.push({ id: '100 memos build memo', source: '100 memos', tool: 'dossier', command: process.execPath, args: [cli, 'build', memos.source, '--format', 'memo', '--out', out('memos-100'), ...memos.args], madeAfresh: ['memo'] })
  mkdirSync(path.join(work, 'out'), { recursive: true })

  const load = [loadavg()[0]]
  const results = new Map(jobs.map((job) => [job.id, []]))
  for (let run = 0; run < runs; run++) {
    for (const job of jobs) {
      if (noCache && job.tool === 'dossier') rmSync(path.join(root, 'node_modules', '.cache', 'dossier'), { recursive: true, force: true })
      job.before?.(run)
      for (const kind of job.madeAfresh ?? []) rmSync(path.join(root, 'node_modules', '.cache', 'dossier', kind), { recursive: true, force: true })
      results.get(job.id).push(job.warm ? runWarm(job) : runCold(job, work))
      process.stderr.write('.')
    }
    load.push(loadavg()[0])
  }
  process.stderr.write('\n')

  const med = (id, key = 'wall') => {
    const values = (results.get(id) ?? []).map((result) => result[key]).filter((number) => number !== undefined)
    return values.length === 0 ? undefined : [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]
  }
  const max = (id, key) => Math.max(...(results.get(id) ?? []).map((result) => result[key] ?? 0))
  const seconds = (ms) => (ms === undefined ? '–' : ms >= 100 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`)
  const mib = (kb) => (kb ? `${(kb / 1024).toFixed(0)} MiB` : '–')
  const lines = []
  const print = (line = '') => lines.push(line)

  print(`${runs} interleaved round${runs === 1 ? '' : 's'}, medians. Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, load average ${load.map((l) => l.toFixed(1)).join(' → ')} (1 min, before and after each round).`)
  print(`Sources: report.md (${kb(statSync(sources['1×']).size)}), ${Object.keys(sources).slice(1).map((name) => `${name} (${kb(statSync(sources[name]).size)})`).join(', ')}. Pandoc: ${pandoc ? `${spawnSync('pandoc', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]}${wkhtmltopdf ? ', PDF through wkhtmltopdf' : ', no PDF engine (wkhtmltopdf is not installed): HTML and DOCX only'}` : 'not installed'}.`)
  print()
  print('| source | what | wall | CPU | peak RSS |')
  print('| --- | --- | ---: | ---: | ---: |')
  for (const job of jobs) print(`| ${job.source} | ${job.id.slice(job.source.length + 1)}${job.warm ? ' (in process)' : ''} | ${seconds(med(job.id))} | ${seconds(med(job.id, 'cpu'))} | ${mib(max(job.id, 'rss'))} |`)

  // Targets, from the issue that set them; each a ratio measured in this run.
  const sum = (...ids) => {
    const key = ids[0] === 'cpu' ? ids.shift() : 'wall'
    return ids.every((id) => med(id, key) !== undefined) ? ids.reduce((total, id) => total + med(id, key), 0) : undefined
  }
  const targets = []
  const target = (what, measured, limit, unit = '×', cpu) => targets.push({ what, measured, limit, unit, cpu })
  const pandocAll = sum('1× pandoc html', '1× pandoc docx', ...(wkhtmltopdf ? ['1× pandoc pdf'] : []))
  const pandocIds = ['1× pandoc html', '1× pandoc docx', ...(wkhtmltopdf ? ['1× pandoc pdf'] : [])]
  target(`every edition and memo of report.md ÷ Pandoc's HTML + DOCX${wkhtmltopdf ? ' + PDF' : ''}`, ratio(med('1× build (everything)'), sum(...pandocIds)), 1.0, '×', ratio(med('1× build (everything)', 'cpu'), sum('cpu', ...pandocIds)))
  target('web edition ÷ Pandoc\'s standalone HTML', ratio(med('1× build html'), med('1× pandoc html')), 1.5, '×', ratio(med('1× build html', 'cpu'), med('1× pandoc html', 'cpu')))
  target('watch rebuild of the web edition after a one-line edit', med('1× watch rebuild html'), 30, 'ms')
  if (sources['100×']) {
    const ids = [`100× build ${large.join(',')}`, '100× pandoc html', '100× pandoc docx']
    target('100×, HTML + JSON + PDF + DOCX ÷ Pandoc\'s HTML + DOCX', ratio(med(ids[0]), sum(ids[1], ids[2])), 1.0, '×', ratio(med(ids[0], 'cpu'), sum('cpu', ids[1], ids[2])))
    target('100×, peak memory ÷ Pandoc\'s', ratio(max(`100× build ${large.join(',')}`, 'rss'), Math.max(max('100× pandoc html', 'rss'), max('100× pandoc docx', 'rss')) || undefined), 2.0)
  }
  // Cost per added copy: from 1× to 10×, and from 10× to the largest.
  const perCopy = (key) => {
    const [one, ten, last] = Object.keys(sources).map((name) => ({ copies: Number.parseInt(name), ms: med(`${name} build ${large.join(',')}`, key) }))
    return last && ratio((last.ms - ten.ms) / (last.copies - ten.copies), (ten.ms - one.ms) / (ten.copies - one.copies))
  }
  if (sources['100×']) target('cost per added copy, 10× → 100× ÷ 1× → 10×', perCopy('wall'), 1.2, '×', perCopy('cpu'))
  target('100 memo definitions in one run', med('100 memos build memo'), 10000, 'ms')
  const written = listFiles(out('1×'))
  for (const file of written.filter((file) => file.endsWith('.html'))) {
    target(`${path.relative(out('1×'), file)} size`, statSync(file).size / 1024, file.includes(`${path.sep}memos${path.sep}`) ? 40 : 80, 'KB')
  }

  print()
  print('| target | measured | limit | | CPU time ratio |')
  print('| --- | ---: | ---: | --- | ---: |')
  for (const { what, measured, limit, unit, cpu } of targets) {
    const shown = measured === undefined ? '–' : unit === '×' ? `${measured.toFixed(2)}×` : unit === 'ms' ? seconds(measured) : `${measured.toFixed(0)} KB`
    const limitShown = unit === '×' ? `${limit}×` : unit === 'ms' ? seconds(limit) : `${limit} KB`
    print(`| ${what} | ${shown} | ${limitShown} | ${measured === undefined ? 'not measured' : measured <= limit ? 'met' : 'missed'} | ${cpu === undefined ? '' : `${cpu.toFixed(2)}×`} |`)
  }

  print()
  print('| file (report.md, everything) | size |')
  print('| --- | ---: |')
  for (const file of written) print(`| ${path.relative(out('1×'), file)} | ${kb(statSync(file).size)} |`)
  for (const file of ['1×-pandoc.html', '1×-pandoc.docx', '1×-pandoc.pdf'].map(out).filter(existsSync)) print(`| Pandoc's ${path.extname(file).slice(1)} | ${kb(statSync(file).size)} |`)

  console.log(lines.join('\n'))
  const json = value('--json')
  if (json) writeFileSync(json, JSON.stringify({ runs, load, results: Object.fromEntries(results), targets }, null, 2))
  rmSync(work, { recursive: true, force: true })
}

function ratio(a, b) {
  return a === undefined || b === undefined ? undefined : a / b
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(0)} KB`
}

function listFiles(dir) {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
    .sort()
}

/** One cold run: wall and CPU time and peak memory of the process, from /usr/bin/time. */
function runCold(job, work) {
  const report = path.join(work, 'time.txt')
  const started = performance.now()
  const result = spawnSync('/usr/bin/time', ['-o', report, '-f', '%U %S %M', job.command, ...job.args], { cwd: root, encoding: 'utf8', env: { ...process.env, XDG_RUNTIME_DIR: work } })
  const wall = performance.now() - started
  if (result.status !== 0) throw new Error(`${job.id} failed (${result.status}):\n${result.stderr}`)
  const [user, system, rss] = readFileSync(report, 'utf8').trim().split('\n').pop().split(' ').map(Number)
  return { wall, cpu: (user + system) * 1000, rss }
}

/** One warm run: a child process that builds once, then rebuilds and reports the rebuilds' median. */
function runWarm(job) {
  const result = spawnSync(job.command, job.args, { cwd: root, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`${job.id} failed (${result.status}):\n${result.stderr}`)
  return JSON.parse(result.stdout.trim().split('\n').pop())
}

/**
 * In a child: build once (loading modules, reading fonts), then rebuild
 * ten times and print the median rebuild: an editing session's, once its
 * first saves have warmed the code up. `edit` rebuilds the web edition
 * after changing one line of a copy of the source each time, as an editor's
 * save does under `preview`.
 */
async function warmChild() {
  const rebuilds = 10
  const [source, what, outDir] = argv.slice(argv.indexOf('--warm') + 1)
  // Under the V8 flags the command line sets, as `build --watch` runs.
  const { useV8Flags } = await import('../dist/v8-flags.js')
  useV8Flags()
  const { build } = await import('../dist/build.js')
  const { hasErrors } = await import('../dist/message.js')
  let file = source
  let formats = what === 'all' ? undefined : [what]
  if (what === 'edit') {
    formats = ['html']
    file = path.join(outDir, 'edited.md')
    mkdirSync(outDir, { recursive: true })
    writeFileSync(file, readFileSync(source, 'utf8'))
  }
  const original = readFileSync(file, 'utf8')
  const once = async () => {
    const result = await build({ source: file, outDir, formats })
    if (hasErrors(result.file)) throw new Error(String(result.file.messages[0]))
  }
  await once()
  const times = []
  const cpu = []
  for (let run = 0; run < rebuilds; run++) {
    // One line of a paragraph changed, the way a writer's save changes it.
    if (what === 'edit') writeFileSync(file, original.replace(/^(North Korea.*)$/m, `$1 Edit ${run}.`))
    const started = performance.now()
    const usage = process.cpuUsage()
    await once()
    times.push(performance.now() - started)
    const { user, system } = process.cpuUsage(usage)
    cpu.push((user + system) / 1000)
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
  console.log(JSON.stringify({ wall: median(times), cpu: median(cpu), rss: process.resourceUsage().maxRSS }))
}

/**
 * The report's body `copies` times over under its front matter: from the
 * second copy on, every `{#id}` and every `#id` link gets the copy's
 * number, so ids stay distinct as a real long report's are.
 */
function writeCopies(work, copies) {
  const text = readFileSync(path.join(root, 'source', 'report.md'), 'utf8')
  const [, frontMatter, body] = /^(---\n[\s\S]*?\n---\n)([\s\S]*)$/.exec(text)
  const parts = [frontMatter, body]
  for (let copy = 2; copy <= copies; copy++) {
    parts.push('\n' + body.replace(/\{#([\w-]+)/g, `{#$1-${copy}`).replace(/\]\(#([\w-]+)\)/g, `](#$1-${copy})`).replace(/\[\^([^\]]+)\]/g, `[^$1-${copy}]`))
  }
  const file = path.join(work, `report-${copies}x.md`)
  writeFileSync(file, parts.join(''))
  return file
}

/** A copy of the report's folder, and a way to change one line of its report each round, as the watch rebuild's edit does. */
function editedCopy(work) {
  const dir = path.join(work, 'edited')
  cpSync(path.join(root, 'source'), dir, { recursive: true })
  const source = path.join(dir, 'report.md')
  const original = readFileSync(source, 'utf8')
  return { source, edit: (run) => writeFileSync(source, original.replace(/^(North Korea.*)$/m, `$1 Edit ${run}.`)) }
}

/**
 * A hundred memo definitions for report.md: the shipped ones, copied under
 * new ids. They are kept where this version of dossier reads them: beside
 * the source (`memos/`) or in the templates folder (`templates/memos/`).
 */
function writeMemoDefinitions(work, count) {
  const dir = path.join(work, 'memos-100')
  const sourceDir = path.join(root, 'source')
  const besideSource = existsSync(path.join(sourceDir, 'memos'))
  const templates = path.join(dir, 'templates')
  cpSync(path.join(root, 'templates'), templates, { recursive: true })
  cpSync(sourceDir, path.join(dir, 'source'), { recursive: true })
  const definitions = besideSource ? path.join(dir, 'source', 'memos') : path.join(templates, 'memos')
  const shipped = readdirSync(definitions).filter((name) => name.endsWith('.yaml')).sort()
  for (let index = 0; index < count - shipped.length; index++) {
    const from = shipped[index % shipped.length]
    const id = `${path.basename(from, '.yaml')}-${index + 1}`
    writeFileSync(path.join(definitions, `${id}.yaml`), readFileSync(path.join(definitions, from), 'utf8').replace(/^id: .*$/m, `id: ${id}`))
  }
  return { source: path.join(dir, 'source', 'report.md'), args: besideSource ? [] : ['--templates', templates] }
}
