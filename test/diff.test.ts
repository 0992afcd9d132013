import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import Ajv from 'ajv'
import { describe, expect, it } from 'vitest'
import type { ReportDiff } from '../src/diff/index.js'
import { cli, fixture, needs, root, tempDir } from './helpers.js'

const [oldSource, newSource] = [fixture('diff', 'old.md'), fixture('diff', 'new.md')]

function diffJson(args: string[], cwd?: string): ReportDiff {
  const result = cli(['diff', ...args, '--json'], { cwd })
  expect(result.status, result.stderr).toBe(0)
  return JSON.parse(result.stdout) as ReportDiff
}

/** A runs' text as it was (`delete`) or is (`insert`). */
function side(runs: Array<{ op: string; text: string }>, drop: 'insert' | 'delete'): string {
  return runs.filter((run) => run.op !== drop).map((run) => run.text).join('')
}

describe('dossier diff', () => {
  const diff = diffJson([oldSource, newSource])
  const item = (id: string) => diff.items.find((change) => change.id === id)

  it('prints JSON as schema/diff.schema.json describes it', () => {
    const schema = JSON.parse(readFileSync(path.join(root, 'schema', 'diff.schema.json'), 'utf8')) as object
    const validate = new Ajv({ allErrors: true }).compile(schema)
    expect(validate(diff), JSON.stringify(validate.errors)).toBe(true)
  })

  it('finds the recommendation added, the one removed, the one moved, and those relabelled as a result', () => {
    expect(diff.items.map((change) => [change.id, change.changes, change.label])).toEqual([
      ['audit-suppliers', ['moved', 'relabelled'], { old: '1.c', new: '1.a' }],
      ['resilience-program', ['relabelled'], { old: '1.a', new: '1.b' }],
      ['exercise', ['added'], { new: '1.c' }],
      ['share-reports', ['relabelled', 'reworded'], { old: '1.b', new: '1.d' }],
      ['train-staff', ['removed'], { old: '1.d' }]
    ])
    expect(item('exercise')?.lead).toBe('Exercise the response.')
    expect(item('train-staff')?.lead).toBe('Train port staff.')
  })

  it('gives a word-level diff of a reworded lead and body', () => {
    const wording = item('share-reports')!.wording!
    expect(wording.lead!.filter((run) => run.op !== 'equal')).toEqual([{ op: 'insert', text: ' within a day' }])
    expect(side(wording.lead!, 'insert')).toBe('Share incident reports.')
    expect(side(wording.lead!, 'delete')).toBe('Share incident reports within a day.')
    expect(wording.body!.filter((run) => run.op !== 'equal')).toEqual([
      { op: 'insert', text: ' quickly' },
      { op: 'delete', text: ' because' },
      { op: 'insert', text: ' since' }
    ])
    expect(side(wording.body!, 'delete')).toBe('Operators who share reports quickly recover faster, since each learns from the others.')
  })

  it('names the sections whose text changed, and only those', () => {
    expect(diff.sections.map((section) => [section.id, section.change])).toEqual([
      ['executive-summary', 'changed'],
      ['recommendations', 'changed']
    ])
    expect(diff.sections[0].words).toEqual({ added: 1, removed: 0 })
  })

  it('names the memos that change and how, and not the one that does not', () => {
    expect(diff.memos).toEqual([
      {
        id: 'us',
        to: 'U.S. Port Security Officials',
        added: ['exercise'],
        removed: ['train-staff'],
        changed: ['audit-suppliers', 'resilience-program', 'share-reports'],
        bottomLine: true,
        header: false
      }
    ])
  })

  it('prints Markdown for a pull request by default', () => {
    const result = cli(['diff', oldSource, newSource])
    expect(result.status, result.stderr).toBe(0)
    const lines = result.stdout.split('\n')
    expect(lines[0]).toBe('## What changed in “Harbor Security”')
    expect(result.stdout).toContain('**Recommendations:** 1 added, 1 removed, 1 moved, 3 relabelled, 1 reworded.')
    expect(lines).toContain('- **Added** 1.c `exercise`: Exercise the response.')
    expect(lines).toContain('- **Removed** 1.d `train-staff`: Train port staff.')
    expect(lines).toContain('- **Moved, relabelled** 1.c → 1.a `audit-suppliers`: Audit suppliers.')
    expect(lines).toContain('  - Lead: Share incident reports **within a day**.')
    expect(lines).toContain('  - Body: Operators who share reports **quickly** recover faster, ~~because~~ **since** each learns from the others.')
    expect(lines).toContain('- **Changed** “Executive Summary”: 1 word added, 0 removed')
    expect(lines.find((line) => line.startsWith('- `us`'))).toBe(
      '- `us` (U.S. Port Security Officials): takes `exercise`; no longer takes `train-staff`; `audit-suppliers`, `resilience-program`, `share-reports` read differently; its bottom line changes'
    )
    expect(result.stdout).not.toContain('`allies`')
  })

  it('says so when nothing changed in substance', () => {
    const result = cli(['diff', oldSource, oldSource])
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('No change in substance')
  })

  it.skipIf(!needs('git'))('reads the old version at a git revision, the new from the working tree', () => {
    const repo = tempDir()
    mkdirSync(path.join(repo, 'source'))
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Editor', '-c', 'user.email=editor@example.org', ...args], { cwd: repo })
    git('init', '-q')
    copyFileSync(oldSource, path.join(repo, 'source', 'report.md'))
    // The memos are the ones beside the new version.
    cpSync(fixture('diff', 'memos'), path.join(repo, 'source', 'memos'), { recursive: true })
    git('add', '.')
    git('commit', '-qm', 'First version')
    writeFileSync(path.join(repo, 'source', 'report.md'), readFileSync(newSource))
    const fromGit = diffJson(['HEAD'], repo)
    expect(fromGit.old.source).toBe('HEAD:source/report.md')
    expect(fromGit.new.source).toBe('source/report.md')
    expect({ ...fromGit, old: undefined, new: undefined }).toEqual({ ...diff, old: undefined, new: undefined })

    const unknown = cli(['diff', 'HEAD~5'], { cwd: repo })
    expect(unknown.status).toBe(1)
    expect(unknown.stderr).toMatch(/source\/report\.md {2}error {2}Cannot read `source\/report\.md` at revision `HEAD~5`: .+ {2}diff-revision/)
  })

  it('a version with an error is reported at its place, and nothing is compared', () => {
    const broken = path.join(tempDir(), 'broken.md')
    writeFileSync(broken, readFileSync(newSource, 'utf8').replace('{#exercise ', '{'))
    const result = cli(['diff', oldSource, broken])
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/broken\.md:\d+:\d+ {2}error .+item-id-missing/)
    expect(result.stdout).toBe('')
  })
})
