import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { cli, root } from './helpers.js'

interface Step {
  name?: string
  uses?: string
  run?: string
  if?: string
  with?: Record<string, unknown>
}

interface Job {
  if?: string
  needs?: string | string[]
  permissions?: Record<string, string>
  steps: Step[]
}

interface Workflow {
  on: Record<string, unknown>
  permissions?: Record<string, string>
  concurrency?: { group: string; 'cancel-in-progress'?: unknown }
  jobs: Record<string, Job>
}

const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts

/** The workflows a reader can use: ours, and the one the README gives a report's own repository. */
const workflows: Array<[string, string]> = [
  ['.github/workflows/publish.yml', readFileSync(path.join(root, '.github', 'workflows', 'publish.yml'), 'utf8')],
  ...[...readFileSync(path.join(root, 'README.md'), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((match) => match[1])
    .filter((text) => /^jobs:/m.test(text))
    .map((text, index): [string, string] => [`README.md workflow ${index + 1}`, text])
]

/** Each command a step runs: lines and `;`, `&&`, `||`, `then`, `else` split, redirections dropped. */
function commands(run: string): string[][] {
  return run
    .split(/\n|;|&&|\|\||\bthen\b|\belse\b/)
    .map((command) => command.replace(/\d?>>?\s*("[^"]*"|\S+)/g, '').trim().split(/\s+/).filter(Boolean))
    .filter((words) => words.length > 0)
}

/** `dossier CMD --flag …` however it is run: `npm run [--silent] dossier -- …`, `node dist/cli.js …`, or installed. */
function dossierArgs(words: string[]): string[] | undefined {
  const text = words.join(' ')
  const match = /^(?:npm run (?:--silent )?dossier --|node dist\/cli\.js|dossier)(?: (.*))?$/.exec(text)
  return match ? (match[1] ?? '').split(' ').filter(Boolean) : undefined
}

const help = cli(['--help']).stdout
const commandHelp = new Map<string, string>()
function flagsOf(command: string): string {
  if (!commandHelp.has(command)) commandHelp.set(command, cli([command, '--help']).stdout)
  return commandHelp.get(command)!
}

describe.each(workflows)('%s', (_, text) => {
  const workflow = parse(text) as Workflow
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps)
  const runs = steps.flatMap((step) => (step.run ? commands(step.run) : []))

  it('runs only npm scripts that package.json has', () => {
    const npm = runs.filter((words) => words[0] === 'npm' && words[1] === 'run').map((words) => words.find((word, index) => index > 1 && !word.startsWith('-'))!)
    for (const script of npm) expect(Object.keys(scripts), `npm run ${script}`).toContain(script)
  })

  it('runs only dossier commands and flags that the command line has', () => {
    const invocations = runs.map(dossierArgs).filter((args): args is string[] => args !== undefined)
    expect(invocations.length).toBeGreaterThanOrEqual(3)
    for (const [command, ...rest] of invocations) {
      expect(help, `dossier ${command}`).toMatch(new RegExp(`^  ${command} `, 'm'))
      for (const flag of rest.filter((word) => word.startsWith('-')).map((word) => word.split('=')[0])) {
        expect(flagsOf(command), `dossier ${command} ${flag}`).toMatch(new RegExp(`(^|[ ,])${flag}\\b`, 'm'))
      }
    }
    const joined = invocations.map((args) => args.join(' '))
    expect(joined).toContain('check --strict')
    expect(joined.some((args) => args.startsWith('build') && args.includes('--site'))).toBe(true)
  })

  it('pins every action to a full commit SHA, with its release in a comment', () => {
    const uses = steps.filter((step) => step.uses).map((step) => step.uses!)
    expect(uses.length).toBeGreaterThanOrEqual(3)
    for (const action of uses) expect(action).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/)
    for (const line of text.split('\n').filter((line) => /uses: /.test(line))) expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/)
  })

  it('reads the repository only, except the deploy job, which alone may write to Pages', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' })
    const [deployName, deploy] = Object.entries(workflow.jobs).find(([, job]) => job.steps.some((step) => step.uses?.startsWith('actions/deploy-pages@')))!
    expect(deploy.permissions).toEqual({ pages: 'write', 'id-token': 'write' })
    for (const [name, job] of Object.entries(workflow.jobs)) if (name !== deployName) expect(job.permissions, name).toBeUndefined()
  })

  it('runs on pull requests and pushes to main, one run at a time per branch', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push'])
    expect(workflow.on.push).toEqual({ branches: ['main'] })
    expect(workflow.concurrency?.group).toContain('${{ github.ref }}')
  })

  it('keeps out/ as an artifact, and deploys it to Pages from main only', () => {
    const upload = steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'))
    expect(upload?.with?.path).toBe('out/')
    const pages = steps.find((step) => step.uses?.startsWith('actions/upload-pages-artifact@'))
    expect(pages?.with?.path).toBe('out/')
    const onMain = "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    expect(pages?.if).toBe(onMain)
    const deploy = Object.values(workflow.jobs).find((job) => job.steps.some((step) => step.uses?.startsWith('actions/deploy-pages@')))!
    expect(deploy.if).toBe(onMain)
  })

  it('writes what a pull request changes in the report to the job summary', () => {
    const summary = steps.find((step) => step.run?.includes('GITHUB_STEP_SUMMARY'))
    expect(summary?.if).toBe("github.event_name == 'pull_request'")
    expect(commands(summary!.run!).map(dossierArgs).filter(Boolean)).toEqual([['diff', 'HEAD^1']])
    expect(summary!.run).toMatch(/diff HEAD\^1 >> "\$GITHUB_STEP_SUMMARY"/)
  })
})

it('the README gives a workflow for a report’s own repository', () => {
  expect(workflows.length).toBeGreaterThanOrEqual(2)
})

describe('the publish workflow', () => {
  it('installs every system tool .ci/run installs, since the tests under CI fail where one is missing', () => {
    const packages = (text: string) => new Set([...text.matchAll(/apt-get install ([^\n>]*)/g)].flatMap((match) => match[1].split(/\s+/).filter((word) => word && !word.startsWith('-'))))
    const ci = packages(readFileSync(path.join(root, '.ci', 'run'), 'utf8'))
    const workflow = packages(readFileSync(path.join(root, '.github', 'workflows', 'publish.yml'), 'utf8'))
    expect(ci.size).toBeGreaterThan(0)
    expect([...ci].filter((name) => !workflow.has(name))).toEqual([])
  })
})
