import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, fixture, reportSource, root, tempDir } from './helpers.js'

interface Expected {
  line: number
  column: number
  ruleId: string
  says: string
}

describe('problems in a source', () => {
  const cases = readdirSync(fixture('problems'))
  it.each(cases)('%s: exit 1, file:line:column, rule id, and no stack trace', (name) => {
    const expected = JSON.parse(readFileSync(fixture('problems', name, 'expected.json'), 'utf8')) as Expected
    const result = cli(['check', 'input.md'], { cwd: fixture('problems', name) })
    expect(result.status).toBe(1)
    const line = result.stderr.split('\n').find((l) => l.includes(expected.ruleId))
    expect(line, result.stderr).toBeDefined()
    expect(line!.startsWith(`input.md:${expected.line}:${expected.column}  error  ${expected.says}`), line).toBe(true)
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?$/m)
  })

  it('a failed build leaves the previous outputs as they were', () => {
    const out = tempDir()
    const previous = path.join(out, 'input.html')
    writeFileSync(previous, 'previous edition')
    const result = cli(['build', 'input.md', '--out', out], { cwd: fixture('problems', 'duplicate-id') })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('build failed')
    expect(readFileSync(previous, 'utf8')).toBe('previous edition')
    expect(readdirSync(out)).toEqual(['input.html'])
  })

  it('a link to an unknown anchor is a warning at the link with the id meant, and the build goes on', () => {
    const out = tempDir()
    const result = cli(['build', 'input.md', '--out', out, '--format', 'html'], { cwd: fixture('link-anchors') })
    expect(result.status).toBe(0)
    const lines = result.stderr.split('\n').filter((line) => line.includes('link-anchor-unknown'))
    expect(lines).toEqual(['input.md:7:94  warning  Unknown anchor `#a-fnding`, expected the id of a heading, an item, a figure or a table, did you mean `#a-finding`?  link-anchor-unknown'])
  })

  it('odd but valid input builds every edition: malformed escapes, directive names like `constructor`', () => {
    const out = tempDir()
    const result = cli(['build', 'input.md', '--out', out, '--format', 'html,json,pdf,docx'], { cwd: fixture('odd-input') })
    expect(result.status, result.stderr).toBe(0)
    expect(result.stderr).toContain('link-anchor-unknown')
    expect(result.stderr).toContain('Unknown directive `constructor`')
    expect(JSON.parse(readFileSync(path.join(out, 'input.json'), 'utf8')).findings).toEqual([])
  })

  it('an output folder that cannot be written is a problem (exit 1), and nothing is left behind', () => {
    const dir = tempDir()
    const notAFolder = path.join(dir, 'out')
    writeFileSync(notAFolder, 'a file')
    const result = cli(['build', reportSource, '--out', notAFolder, '--format', 'json'])
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/error  Cannot write to .*output-unwritable/)
    expect(readdirSync(dir)).toEqual(['out'])
  })

  it('a missing source is a problem, not a crash', () => {
    const result = cli(['check', 'no-such-file.md'])
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('no-such-file.md  error  Cannot read the source: no such file')
  })
})

describe('the command line', () => {
  it('exits 2 for a wrong command line', () => {
    expect(cli(['build', '--format', 'nonsense']).status).toBe(2)
    expect(cli(['frobnicate']).status).toBe(2)
    expect(cli(['build', '--no-such-flag']).status).toBe(2)
  })

  it('has --help for each command and --version', () => {
    for (const command of [[], ['build'], ['check'], ['memo']]) {
      const result = cli([...command, '--help'])
      expect(result.status).toBe(0)
      expect(result.stdout).toContain('Usage: dossier')
    }
    expect(cli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it('check finds what build finds in the memo definitions, and writes nothing', () => {
    const project = tempDir()
    cpSync(reportSource, path.join(project, 'report.md'))
    cpSync(path.join(root, 'source', 'memos'), path.join(project, 'memos'), { recursive: true })
    const memo = path.join(project, 'memos', 'us.yaml')
    writeFileSync(memo, readFileSync(memo, 'utf8').replace('audiences: [us]', 'audiences: [usa]'))
    const errors = (stderr: string) => stderr.split('\n').filter((line) => line.includes('  error  '))
    const checked = cli(['check', path.join(project, 'report.md')])
    expect(checked.status).toBe(1)
    expect(errors(checked.stderr)).toEqual([expect.stringMatching(/memos\/us\.yaml:\d+:\d+  error  Unknown audience `usa`/)])
    const out = tempDir()
    const built = cli(['build', path.join(project, 'report.md'), '--out', out, '--format', 'json,memo'])
    expect(built.status).toBe(1)
    expect(errors(built.stderr)).toEqual(errors(checked.stderr))
    expect(readdirSync(out)).toEqual([])
  })

  it('check passes on the report', () => {
    const result = cli(['check', reportSource])
    expect(result.status, result.stderr).toBe(0)
  })

  it('builds only the formats asked for, byte-identical in two processes', () => {
    const first = tempDir()
    const second = tempDir()
    for (const out of [first, second]) {
      const result = cli(['build', reportSource, '--out', out, '--format', 'html,json,pdf,docx'])
      expect(result.status, result.stderr).toBe(0)
    }
    expect(readdirSync(first).sort()).toEqual(['report.docx', 'report.html', 'report.json', 'report.pdf'])
    for (const name of readdirSync(first)) {
      expect(readFileSync(path.join(second, name)).equals(readFileSync(path.join(first, name))), name).toBe(true)
    }
  })

  it('memo ID builds one memo, with fields overridden from the command line', async () => {
    const out = tempDir()
    const result = cli(['memo', 'us', reportSource, '--out', out, '--from', 'The Korea Chair', '--subject', 'Cyber options for the new year'])
    expect(result.status, result.stderr).toBe(0)
    expect(readdirSync(path.join(out, 'memos')).sort()).toEqual(['report.us.docx', 'report.us.html', 'report.us.pdf'])
    const html = readFileSync(path.join(out, 'memos', 'report.us.html'), 'utf8')
    expect(html).toContain('The Korea Chair')
    expect(html).toContain('Cyber options for the new year')
    const unknown = cli(['memo', 'nobody', reportSource, '--out', out])
    expect(unknown.status).toBe(1)
    expect(unknown.stderr).toContain('error  Unknown memo `nobody`, expected one of `alliance`, `defenders`, `us`  memo-template-unknown')
  })

  it('--strict fails a build or a check on a warning, writing nothing', () => {
    const source = fixture('link-anchors', 'input.md')
    const out = tempDir()
    const strict = cli(['build', source, '--out', out, '--format', 'html,json', '--strict'])
    expect(strict.status).toBe(1)
    expect(strict.stderr).toContain('warning  Unknown anchor `#a-fnding`')
    expect(strict.stderr).toContain('build failed (--strict fails on warnings)')
    expect(readdirSync(out)).toEqual([])
    expect(cli(['check', source, '--strict']).status).toBe(1)
    // Without it, the same warning lets the build through.
    expect(cli(['build', source, '--out', out, '--format', 'html,json']).status).toBe(0)
    expect(readdirSync(out).sort()).toEqual(['input.html', 'input.json'])
    expect(cli(['check', reportSource, '--strict']).status).toBe(0)
  })

  it('writes into a folder that does not exist yet', () => {
    const out = path.join(tempDir(), 'a', 'b')
    mkdirSync(path.dirname(out), { recursive: true })
    expect(cli(['build', reportSource, '--out', out, '--format', 'json']).status).toBe(0)
    expect(readdirSync(out)).toEqual(['report.json'])
  })
})

describe('reports and their memos', () => {
  /** Build (with the default formats unless told); the files written, relative to the output folder. */
  function buildAll(source: string, ...flags: string[]) {
    const out = tempDir()
    const result = cli(['build', source, '--out', out, ...flags])
    const written = result.stdout.split('\n').filter((line) => line.startsWith('  ')).map((line) => path.relative(out, line.trim())).sort()
    return { ...result, out, written }
  }

  it('a second report builds every edition and its own memo from memos/ beside it', async () => {
    const result = buildAll(fixture('second-report', 'report.md'))
    expect(result.status, result.stderr).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.written).toEqual(['memos/report.brief.docx', 'memos/report.brief.html', 'memos/report.brief.pdf', 'report.docx', 'report.html', 'report.json', 'report.pdf'])
    const html = readFileSync(path.join(result.out, 'memos', 'report.brief.html'), 'utf8')
    expect([...html.matchAll(/<li id="([^"]+)"/g)].map((m) => m[1])).toEqual(['close-remote-access'])
    expect(html).toContain('Operators of Small Water Utilities')
  })

  it('reports sharing a folder each build only the memos that name them', () => {
    for (const name of ['alpha', 'beta']) {
      const result = buildAll(fixture('memo-shared', `${name}.md`), '--format', 'memo')
      expect(result.status, result.stderr).toBe(0)
      expect(result.stderr).toBe('')
      expect(result.written).toEqual([`memos/${name}.brief.docx`, `memos/${name}.brief.html`, `memos/${name}.brief.pdf`])
      expect(readFileSync(path.join(result.out, 'memos', `${name}.brief.html`), 'utf8')).toContain(`<li id="act-on-${name}"`)
      const checked = cli(['check', fixture('memo-shared', `${name}.md`)])
      expect(checked.status, checked.stderr).toBe(0)
      expect(checked.stderr).toBe('')
    }
  })

  it('a definition in a shared folder that names no report, written for another, says which report is building and how to name one', () => {
    const dir = tempDir()
    cpSync(fixture('memo-shared'), dir, { recursive: true })
    const definition = path.join(dir, 'memos', 'alpha-brief.yaml')
    writeFileSync(definition, readFileSync(definition, 'utf8').replace(/^report: alpha\n/m, ''))
    const result = cli(['check', path.join(dir, 'beta.md')])
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/alpha-brief\.yaml:\d+:\d+  error  Unknown audience `alpha-readers`, .*\(building beta\.md; a definition for another report of its folder names it with `report:`, one of `alpha`\)  memo-template-unknown/)
  })

  it('a report with no memo definitions builds every edition and no memo, with a note; check agrees', () => {
    // Given from the working folder, as people type it, so messages print it so.
    const source = path.join('test', 'fixtures', 'no-memos', 'report.md')
    const note = `test/fixtures/no-memos/report.md  note  No memo definitions for this report in \`test/fixtures/no-memos/memos/\`, so no memo: a file \`ID.yaml\` there makes one  memo-none`
    const result = buildAll(source)
    expect(result.status, result.stderr).toBe(0)
    expect(result.written).toEqual(['report.docx', 'report.html', 'report.json', 'report.pdf'])
    expect(result.stderr.trim().split('\n')).toEqual([note, '', '1 note'])
    const checked = cli(['check', source])
    expect(checked.status).toBe(0)
    expect(checked.stderr.split('\n')[0]).toBe(note)
    // --quiet prints errors only.
    expect(cli(['check', source, '--quiet']).stderr).toBe('')
    // Asking for a memo it does not have is still an error.
    const asked = cli(['build', source, '--out', tempDir(), '--audience', 'us'])
    expect(asked.status).toBe(1)
    expect(asked.stderr).toContain('error  Unknown memo `us`, expected a definition with that id in `test/fixtures/no-memos/memos/`, where this report has none')
  })
})
