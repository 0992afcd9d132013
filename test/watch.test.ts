import { spawn } from 'node:child_process'
import { copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { build } from '../src/build.js'
import { fixture, root, tempDir } from './helpers.js'

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

  // Ctrl-C ends the process as a finished build ends, with its exit handlers: what it keeps between runs
  // (how its texts were shaped, written at exit; test/pdf.test.ts reads it back) is not lost.
  it('stops on Ctrl-C as a finished build does, with exit code 130', async () => {
    const dir = tempDir()
    const source = path.join(dir, 'report.md')
    writeFileSync(source, '# Report\n\nText.\n')
    const child = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), 'build', source, '--out', path.join(dir, 'out'), '--format', 'json', '--watch'])
    const output = { text: '' }
    child.stdout.on('data', (chunk: Buffer) => (output.text += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output.text += chunk.toString()))
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
    try {
      await waitFor(output, /watching/, 1)
      child.kill('SIGINT')
      expect(await exited).toEqual({ code: 130, signal: null })
    } finally {
      child.kill()
    }
  })

  it('rebuilds when an image the source shows changes', async () => {
    const dir = tempDir()
    const source = path.join(dir, 'report.md')
    const out = path.join(dir, 'out')
    copyFileSync(fixture('images', 'chart.png'), path.join(dir, 'chart.png'))
    writeFileSync(source, '# Report\n\n![A chart](chart.png)\n')
    const child = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), 'build', source, '--out', out, '--format', 'html', '--watch'])
    const output = { text: '' }
    child.stdout.on('data', (chunk: Buffer) => (output.text += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output.text += chunk.toString()))
    const embedded = (file: string) => readFileSync(file).toString('base64')
    try {
      await waitFor(output, /watching/, 1)
      expect(output.text).toMatch(/watching .*chart\.png/)
      expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain(embedded(fixture('images', 'chart.png')))

      copyFileSync(fixture('images-root', 'assets', 'figure.png'), path.join(dir, 'chart.png'))
      await waitFor(output, /wrote 1 file/, 2)
      expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain(embedded(fixture('images-root', 'assets', 'figure.png')))
    } finally {
      child.kill()
    }
  })
})

describe('the web edition first', () => {
  it('is written before the slower editions are laid out', async () => {
    const batches: string[][] = []
    const out = tempDir()
    const result = await build({
      source: fixture('cross-references', 'input.md'),
      outDir: out,
      formats: ['docx', 'html', 'json', 'pdf'],
      firstFormats: ['html', 'json'],
      onWrite: (written) => batches.push(written.map((file) => path.basename(file)))
    })
    // The web page comes again once the others are made, linking them as a plain build's does.
    expect(batches).toEqual([['input.html', 'input.json'], ['input.docx', 'input.pdf'], ['input.html']])
    expect(result.written.map((file) => path.basename(file))).toEqual(['input.html', 'input.json', 'input.docx', 'input.pdf'])
    const plain = tempDir()
    await build({ source: fixture('cross-references', 'input.md'), outDir: plain, formats: ['docx', 'html', 'json', 'pdf'] })
    const page = readFileSync(path.join(out, 'input.html'), 'utf8')
    for (const edition of ['input.pdf', 'input.docx', 'input.json']) expect(page).toContain(`href="${edition}"`)
    expect(page).toBe(readFileSync(path.join(plain, 'input.html'), 'utf8'))
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
