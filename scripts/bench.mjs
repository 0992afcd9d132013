#!/usr/bin/env node
// Benchmark: how long a build takes and how much memory it needs.
//   npm run bench [-- --runs N]
// Cold: the CLI as an editor runs it (new process each time).
// Warm: rebuilds inside one process, as `build --watch` does.
// Peer: pandoc writing the same source to HTML, when pandoc is installed.
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { availableFormats } from '../dist/renderers.js'
import { build } from '../dist/build.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const source = path.join(root, 'source', 'report.md')
const runsFlag = process.argv.indexOf('--runs')
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5
const out = mkdtempSync(path.join(tmpdir(), 'dossier-bench-'))

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const rows = []

function cold(label, command, args) {
  const times = []
  let rss = 0
  for (let run = 0; run < runs; run++) {
    const started = performance.now()
    const result = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { cwd: root, encoding: 'utf8' })
    times.push(performance.now() - started)
    if (result.status !== 0) throw new Error(`${label} failed: ${result.stderr}`)
    rss = Math.max(rss, Number(result.stderr.trim().split('\n').pop()) / 1024)
  }
  rows.push([label, 'cold', median(times), rss])
}

for (const format of ['check', ...availableFormats(), 'all']) {
  const args = format === 'check'
    ? [path.join(root, 'dist', 'cli.js'), 'check', source]
    : [path.join(root, 'dist', 'cli.js'), 'build', source, '--out', out, ...(format === 'all' ? [] : ['--format', format])]
  cold(`dossier ${format === 'check' ? 'check' : `build ${format}`}`, process.execPath, args)
}

for (const format of [...availableFormats(), undefined]) {
  await build({ source, outDir: out, formats: format ? [format] : undefined })
  const times = []
  for (let run = 0; run < runs; run++) {
    const started = performance.now()
    await build({ source, outDir: out, formats: format ? [format] : undefined })
    times.push(performance.now() - started)
  }
  rows.push([`dossier build ${format ?? 'all'}`, 'warm', median(times), process.memoryUsage().rss / 2 ** 20])
}

if (spawnSync('pandoc', ['--version']).status === 0) {
  cold('pandoc → html (standalone)', 'pandoc', [source, '--standalone', '-o', path.join(out, 'pandoc.html')])
  cold('pandoc → docx', 'pandoc', [source, '-o', path.join(out, 'pandoc.docx')])
}

console.log(`${runs} runs each, median; source ${path.relative(root, source)}\n`)
console.log('| what | process | median ms | peak RSS MiB |\n| --- | --- | ---: | ---: |')
for (const [label, kind, ms, rss] of rows) console.log(`| ${label} | ${kind} | ${ms.toFixed(0)} | ${rss.toFixed(0)} |`)
