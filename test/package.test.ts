import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { root, tempDir } from './helpers.js'

/** `npm …` as a user types it, in `cwd`; output as text. */
function npm(args: string[], cwd: string) {
  const result = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' } })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('the package, as a user installs it', () => {
  const packed = tempDir('dossier-pack-')
  let tarball: string
  let files: string[]

  beforeAll(() => {
    const result = npm(['pack', '--json', '--pack-destination', packed], root)
    expect(result.status, result.stderr).toBe(0)
    const [report] = JSON.parse(result.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>
    tarball = path.join(packed, report.filename)
    files = report.files.map((file) => file.path)
  })

  it('ships what a user needs (the bundled CLI, templates, the starter report, schemas, README, license) and no sources, tests or CI', () => {
    for (const needed of ['dist/cli.js', 'dist/render/pdf/index.js', 'templates/fonts.json', 'templates/site/index.html', 'starter/report.md', 'schema/report.schema.json', 'schema/diff.schema.json', 'README.md', 'LICENSE', 'package.json']) {
      expect(files, needed).toContain(needed)
    }
    const outside = files.filter((file) => !/^(dist|templates|starter|schema)\//.test(file) && !['README.md', 'LICENSE', 'package.json'].includes(file))
    expect(outside).toEqual([])
    // No node_modules: docx is bundled into dist/ (scripts/bundle.mjs), the rest installs from the registry.
    expect(files.filter((file) => file.startsWith('node_modules/'))).toEqual([])
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
    expect(Object.keys(manifest.dependencies)).not.toContain('docx')
  })

  it('installs globally with no npm warning, and builds a report in another folder', () => {
    const prefix = tempDir('dossier-prefix-')
    // The cache npm ci filled: the test needs the registry only for what it lacks.
    const install = npm(['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', tarball], packed)
    expect(install.status, install.stderr).toBe(0)
    expect(install.stderr.split('\n').filter((line) => /\bwarn/i.test(line))).toEqual([])

    // A new report, started and built as a user would, in a folder of its own.
    const project = tempDir('dossier-user-')
    const dossier = path.join(prefix, 'bin', 'dossier')
    const init = spawnSync(dossier, ['init'], { cwd: project, encoding: 'utf8' })
    expect(init.status, init.stderr).toBe(0)
    const build = spawnSync(dossier, ['build', '--site'], { cwd: project, encoding: 'utf8' })
    expect(build.status, build.stderr).toBe(0)
    expect(build.stderr).toBe('')
    for (const written of ['index.html', 'report.html', 'report.pdf', 'report.docx', 'report.json']) {
      expect(existsSync(path.join(project, 'out', written)), written).toBe(true)
    }
    expect(readdirSync(path.join(project, 'out', 'memos')).length).toBeGreaterThan(0)
    expect(readFileSync(path.join(project, 'out', 'index.html'), 'utf8')).toContain('href="report.pdf"')
  })
})
