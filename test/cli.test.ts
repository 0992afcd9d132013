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

  it('a link to an unknown anchor is a warning at the link, and the build goes on', () => {
    const out = tempDir()
    const result = cli(['build', 'input.md', '--out', out, '--format', 'html'], { cwd: fixture('link-anchors') })
    expect(result.status).toBe(0)
    const lines = result.stderr.split('\n').filter((line) => line.includes('link-anchor-unknown'))
    expect(lines).toEqual(['input.md:7:94  warning  Unknown anchor `#a-fnding`, expected the id of a heading or an item  link-anchor-unknown'])
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

  it('check also checks the templates, and writes nothing', () => {
    const templates = path.join(tempDir(), 'templates')
    cpSync(path.join(root, 'templates'), templates, { recursive: true })
    const memo = path.join(templates, 'memos', 'us.yaml')
    writeFileSync(memo, readFileSync(memo, 'utf8').replace('audiences: [us]', 'audiences: [usa]'))
    const result = cli(['check', reportSource, '--templates', templates])
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/memos\/us\.yaml:\d+:\d+  error  Unknown audience `usa`/)
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
    expect(cli(['memo', 'nobody', reportSource, '--out', out]).status).toBe(1)
  })

  it('writes into a folder that does not exist yet', () => {
    const out = path.join(tempDir(), 'a', 'b')
    mkdirSync(path.dirname(out), { recursive: true })
    expect(cli(['build', reportSource, '--out', out, '--format', 'json']).status).toBe(0)
    expect(readdirSync(out)).toEqual(['report.json'])
  })
})
