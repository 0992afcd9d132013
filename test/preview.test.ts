import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { startPreview } from '../src/preview.js'
import { chromiumPath, cli, needs, root, tempDir } from './helpers.js'

/** The next server-sent event of `name` on an open event stream. */
async function nextEvent(reader: ReadableStreamDefaultReader<Uint8Array>, name: string): Promise<unknown> {
  let text = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) throw new Error(`the stream ended before a \`${name}\` event`)
    text += new TextDecoder().decode(value)
    const match = new RegExp(`event: ${name}\\ndata: (.*)\\n\\n`).exec(text)
    if (match) return JSON.parse(match[1])
  }
}

describe('the preview server', async () => {
  const out = tempDir()
  mkdirSync(path.join(out, 'memos'))
  for (const name of ['report.html', 'report.json', 'report.pdf', 'memos/report.us.pdf', 'memos/report.us.html']) writeFileSync(path.join(out, name), name.endsWith('.html') ? '<!doctype html><html><body><p>Edition</p></body></html>' : name)
  const preview = await startPreview(out, 0, 'report.html')
  // This session's build wrote the web edition, the JSON and one memo; report.pdf is an earlier build's.
  preview.built(['report.html', 'report.json', 'memos/report.us.pdf'])
  afterAll(() => preview.close())

  it('serves the web edition on this machine only, with live reload added', async () => {
    expect(preview.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    const html = await (await fetch(preview.url)).text()
    expect(html).toContain('<p>Edition</p>')
    expect(html).toContain("new EventSource('/__dossier/events')")
  })

  it('serves only what the builds of this session wrote, never a stale edition left in the folder', async () => {
    expect(await (await fetch(new URL('report.json', preview.url))).text()).toBe('report.json')
    const stale = await fetch(new URL('report.pdf', preview.url))
    expect(stale.status).toBe(404)
    expect(await stale.text()).toContain('the last build did not write it')
    expect((await fetch(new URL('memos/report.us.html', preview.url))).status).toBe(404)
    expect((await fetch(new URL('memos/report.us.pdf', preview.url))).status).toBe(200)
  })

  it('lists a folder’s files', async () => {
    const response = await fetch(new URL('memos/', preview.url))
    expect(response.status).toBe(200)
    const html = await response.text()
    expect([...html.matchAll(/<a href="([^"]+)">/g)].map((match) => match[1])).toEqual(['/memos/report.us.pdf'])
  })

  it('serves nothing outside the folder', async () => {
    // `fetch` would resolve `..` itself; an encoded slash reaches the server as written.
    writeFileSync(path.join(out, '..', 'secret.txt'), 'not for the web')
    const escape = await fetch(new URL('/..%2fsecret.txt', preview.url))
    expect([400, 404]).toContain(escape.status)
    expect(await escape.text()).not.toContain('not for the web')
    expect((await fetch(new URL('/%E0%A4%A', preview.url))).status).toBe(400)
  })

  it('tells open pages which files a build rewrote, and shows and clears a failed build’s problems', async () => {
    const controller = new AbortController()
    const response = await fetch(new URL('/__dossier/events', preview.url), { signal: controller.signal })
    const reader = response.body!.getReader()
    preview.wrote(['report.html', 'report.json'])
    expect(await nextEvent(reader, 'reload')).toEqual(['report.html', 'report.json'])
    preview.failed('report.md:2:8  error  Malformed front matter')
    expect(await nextEvent(reader, 'problems')).toBe('report.md:2:8  error  Malformed front matter')
    preview.built(['report.html', 'report.json', 'memos/report.us.pdf'])
    expect(await nextEvent(reader, 'problems')).toBe('')
    controller.abort()
  })
})

/** Start `dossier preview` and wait for the line saying where it serves. */
async function startCli(args: string[], cwd: string): Promise<{ child: ChildProcess; url: string; output: { text: string } }> {
  const child = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), 'preview', ...args], { cwd })
  const output = { text: '' }
  child.stdout!.on('data', (chunk: Buffer) => (output.text += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output.text += chunk.toString()))
  const started = Date.now()
  while (!/watching/.test(output.text)) {
    if (Date.now() - started > 30_000 || child.exitCode !== null) {
      child.kill()
      throw new Error(`preview did not start:\n${output.text}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { child, url: /previewing (http\S+)/.exec(output.text)![1], output }
}

describe('dossier preview on the command line', () => {
  it('a port in use is a clear message and exit 1, not a crash', async () => {
    const busy = createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = busy.address() as AddressInfo
      const dir = tempDir()
      writeFileSync(path.join(dir, 'report.md'), '# Report\n\nText.\n')
      const result = cli(['preview', 'report.md', '--port', String(port)], { cwd: dir })
      expect(result.status).toBe(1)
      expect(result.stderr).toContain(`dossier: port ${port} is in use`)
      expect(result.stderr).not.toContain('internal error')
    } finally {
      busy.close()
    }
  })

  it.skipIf(!needs('chromium'))('shows a failed build’s problems over the last good page, and clears them once fixed (Chromium)', async () => {
    const dir = tempDir()
    const source = path.join(dir, 'report.md')
    writeFileSync(source, '---\ntitle: First\n---\n\n# Section\n\nThe first text.\n')
    const { child, url } = await startCli(['report.md', '--port', '0'], dir)
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu'] })
    try {
      const page = await browser.newPage()
      await page.goto(url)
      await page.getByText('The first text.').waitFor()

      writeFileSync(source, '---\ntitle: [DRAFT] First\n---\n\n# Section\n\nA broken save.\n')
      const problems = page.locator('#dossier-problems')
      await problems.waitFor({ timeout: 20_000 })
      expect(await problems.textContent()).toMatch(/report\.md:2:\d+ {2}error {2}Malformed front matter.*quote it/)
      // The last good page stays beneath.
      expect(await page.getByText('The first text.').isVisible()).toBe(true)

      writeFileSync(source, '---\ntitle: First\n---\n\n# Section\n\nThe fixed text.\n')
      await page.getByText('The fixed text.').waitFor({ timeout: 20_000 })
      expect(await problems.count()).toBe(0)
    } finally {
      await browser.close()
      child.kill()
    }
  })
})
