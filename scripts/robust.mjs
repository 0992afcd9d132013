#!/usr/bin/env node
// The robustness corpus (`npm run test:robust`): every CommonMark example,
// GFM's extensions and generated hard cases, each built as a source in
// html, json, pdf and docx. Each edition must be valid or the build must
// stop with positioned problems; a crash, an unpositioned error or a case
// over its time bound fails the run.
//
//   node scripts/robust.mjs [--filter REGEX] [--formats html,json,pdf,docx] [--bound SECONDS] [--jobs N] [--heavy] [--keep]
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'
import { commonmarkCases, gfmCases, hardCases } from './robust/cases.mjs'
import { invalid, unopenableDocx } from './robust/validate.mjs'

const { values: flags } = parseArgs({
  options: {
    filter: { type: 'string' },
    formats: { type: 'string', default: 'html,json,pdf,docx' },
    // Each case, all its formats together, must finish within this.
    bound: { type: 'string', default: '300' },
    jobs: { type: 'string', default: String(Math.min(2, availableParallelism())) },
    heavy: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false }
  }
})
const formats = flags.formats.split(',')
const boundMs = Number(flags.bound) * 1000
const started = performance.now()

const filter = flags.filter ? new RegExp(flags.filter) : undefined
const cases = [...commonmarkCases(), ...gfmCases(), ...hardCases(new URL('../test/fixtures/', import.meta.url))].filter(
  (one) => (!filter || filter.test(one.name)) && (flags.heavy || !one.heavy)
)
const workDir = mkdtempSync(path.join(tmpdir(), 'dossier-robust-'))
const sampleDir = path.join(workDir, 'docx-sample')
mkdirSync(sampleDir)

/** One worker thread per job slot; replaced when it is ended for running over or runs out of memory. */
function startWorker() {
  return new Worker(new URL('./robust/worker.mjs', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: 3072 } })
}

function runCase(slot, job) {
  return new Promise((resolve) => {
    const { worker } = slot
    const done = (result) => {
      clearTimeout(timer)
      worker.off('message', done).off('error', died)
      resolve(result)
    }
    const died = (error) => {
      slot.worker = startWorker()
      done({ crash: `worker died: ${String(error).slice(0, 200)}`, ms: 0 })
    }
    const timer = setTimeout(() => {
      worker.terminate()
      slot.worker = startWorker()
      done({ crash: `over the ${flags.bound} s bound`, ms: boundMs })
    }, boundMs)
    worker.on('message', done).on('error', died)
    worker.postMessage(job)
  })
}

const totals = { inputs: cases.length, built: 0, problems: 0, editions: 0, valid: 0, warnings: 0 }
const crashes = []
const invalids = []
const rules = new Map()
let slowest = { name: '', ms: 0 }

async function check(one, slot) {
  const dir = path.join(workDir, one.name)
  mkdirSync(dir)
  for (const [name, data] of Object.entries(one.files)) writeFileSync(path.join(dir, name), data)
  const outDir = path.join(dir, 'out')
  const result = await runCase(slot, { source: path.join(dir, 'input.md'), outDir, formats })
  if (result.ms > slowest.ms) slowest = { name: one.name, ms: result.ms }
  const crash = result.crash ?? result.thrown ?? unpositioned(result.messages)
  if (crash) {
    crashes.push(`${one.name}: ${crash}`)
    return
  }
  const errors = result.messages.filter((message) => message.fatal)
  totals.warnings += result.messages.length - errors.length
  for (const message of result.messages) rules.set(message.ruleId, (rules.get(message.ruleId) ?? 0) + 1)
  if (errors.length > 0) {
    totals.problems++
    if (result.written.length > 0) invalids.push(`${one.name}: wrote ${result.written.length} files despite errors`)
    return
  }
  totals.built++
  for (const file of result.written) {
    const format = path.extname(file).slice(1)
    totals.editions++
    const why = await invalid(format, file)
    if (why) invalids.push(`${one.name}.${format}: ${why}`)
    else totals.valid++
    // LibreOffice opens a sample of the Word files: GFM and hard cases, every tenth CommonMark example.
    if (format === 'docx' && inSample(one) && statSync(file).size < 4_000_000) copyFileSync(file, path.join(sampleDir, `${one.name}.docx`))
  }
  if (!flags.keep) rmSync(dir, { recursive: true, force: true })
}

/** An error without a place, or a renderer's failure, is a crash to us. */
function unpositioned(messages) {
  const bad = messages.find((message) => message.fatal && (message.ruleId.startsWith('render-') || message.line === undefined))
  return bad && `${bad.ruleId}: ${bad.reason}`
}

function inSample(one) {
  const number = /^commonmark-(\d+)$/.exec(one.name)?.[1]
  return number === undefined || Number(number) % 10 === 0
}

const queue = [...cases]
const slots = Array.from({ length: Number(flags.jobs) }, () => ({ worker: startWorker() }))
let finished = 0
await Promise.all(
  slots.map(async (slot) => {
    for (let one = queue.shift(); one; one = queue.shift()) {
      await check(one, slot)
      if (++finished % 100 === 0) console.log(`… ${finished} of ${cases.length}`)
    }
    await slot.worker.terminate()
  })
)

let sampled = 0
if (formats.includes('docx')) {
  const { readdirSync } = await import('node:fs')
  const files = readdirSync(sampleDir).map((name) => path.join(sampleDir, name))
  sampled = files.length
  const unopenable = files.length > 0 ? await unopenableDocx(files, workDir) : []
  if (unopenable === undefined) {
    if (process.env.CI) invalids.push('LibreOffice (soffice) is not installed')
    else console.log('skipped: LibreOffice (soffice) is not installed, Word files not opened')
  } else for (const file of unopenable) invalids.push(`${path.basename(file)}: LibreOffice could not open it`)
}
if (!flags.keep) rmSync(workDir, { recursive: true, force: true })

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`
console.log(`\ninputs: ${totals.inputs} (${formats.join(', ')}; bound ${flags.bound} s a case)`)
console.log(`built: ${totals.built}, editions valid: ${totals.valid} of ${totals.editions}, Word files LibreOffice opened: ${sampled - invalids.filter((line) => line.includes('LibreOffice')).length} of ${sampled}`)
console.log(`stopped with positioned problems: ${totals.problems}; warnings: ${totals.warnings}`)
console.log(`rules: ${[...rules].sort((a, b) => b[1] - a[1]).map(([rule, count]) => `${rule} ${count}`).join(', ')}`)
console.log(`slowest case: ${slowest.name} ${seconds(slowest.ms)}; whole run ${seconds(performance.now() - started)}`)
for (const line of crashes) console.log(`CRASH ${line}`)
for (const line of invalids) console.log(`INVALID ${line}`)
console.log(`crashes: ${crashes.length}, invalid: ${invalids.length}`)
process.exitCode = crashes.length + invalids.length > 0 ? 1 : 0
