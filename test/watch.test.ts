import { spawn } from 'node:child_process'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { root, tempDir } from './helpers.js'

/** Wait until the process has printed `count` lines matching `pattern`. */
function waitFor(output: { text: string }, pattern: RegExp, count: number, timeout = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const poll = setInterval(() => {
      if ((output.text.match(new RegExp(pattern, 'g')) ?? []).length >= count) {
        clearInterval(poll)
        resolve()
      } else if (Date.now() - started > timeout) {
        clearInterval(poll)
        reject(new Error(`timed out waiting for ${pattern}; got:\n${output.text}`))
      }
    }, 50)
  })
}

describe('build --watch', () => {
  it('rebuilds when the source changes, and keeps going after a mistake', async () => {
    const dir = tempDir()
    const source = path.join(dir, 'report.md')
    const out = path.join(dir, 'out')
    writeFileSync(source, '---\ntitle: First\n---\n\n# Section\n\nText.\n')
    const child = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), 'build', source, '--out', out, '--format', 'json', '--watch'])
    const output = { text: '' }
    child.stdout.on('data', (chunk: Buffer) => (output.text += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output.text += chunk.toString()))
    try {
      await waitFor(output, /watching/, 1)
      expect(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')).meta.title).toBe('First')

      writeFileSync(source, '---\ntitle: [broken\n---\n\n# Section\n')
      await waitFor(output, /build failed/, 1)
      expect(output.text).toMatch(/report\.md:2:\d+  error  Malformed front matter/)
      expect(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')).meta.title).toBe('First')

      writeFileSync(source, '---\ntitle: Second\n---\n\n# Section\n\nText.\n')
      await waitFor(output, /wrote 1 file/, 2)
      expect(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')).meta.title).toBe('Second')
    } finally {
      child.kill()
    }
  })
})

describe('build --watch and memos', () => {
  it('rebuilds when a memo definition beside the report changes', async () => {
    const dir = tempDir()
    const source = path.join(dir, 'report.md')
    const out = path.join(dir, 'out')
    cpSync(path.join(root, 'test', 'fixtures', 'memo-sparse', 'input.md'), source)
    cpSync(path.join(root, 'test', 'fixtures', 'memo-sparse', 'memos'), path.join(dir, 'memos'), { recursive: true })
    const child = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), 'build', source, '--out', out, '--format', 'memo', '--watch'])
    const output = { text: '' }
    child.stdout.on('data', (chunk: Buffer) => (output.text += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output.text += chunk.toString()))
    try {
      await waitFor(output, /watching/, 1)
      expect(readFileSync(path.join(out, 'memos', 'report.brief.html'), 'utf8')).toContain('<dd>A Reader</dd>')
      const definition = path.join(dir, 'memos', 'brief.yaml')
      writeFileSync(definition, readFileSync(definition, 'utf8').replace('to: A Reader', 'to: Another Reader'))
      await waitFor(output, /wrote 3 files/, 2)
      expect(readFileSync(path.join(out, 'memos', 'report.brief.html'), 'utf8')).toContain('<dd>Another Reader</dd>')
    } finally {
      child.kill()
    }
  })
})
