import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startPreview } from '../src/preview.js'
import { tempDir } from './helpers.js'

describe('dossier preview', async () => {
  const out = tempDir()
  writeFileSync(path.join(out, 'report.html'), '<!doctype html><html><body><p>Edition</p></body></html>')
  writeFileSync(path.join(out, 'report.json'), '{}')
  const preview = await startPreview(out, 0, 'report.html')
  afterAll(() => preview.close())

  it('serves the web edition on this machine only, with live reload added', async () => {
    expect(preview.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    const html = await (await fetch(preview.url)).text()
    expect(html).toContain('<p>Edition</p>')
    expect(html).toContain("new EventSource('/__dossier/events')")
  })

  it('serves other editions as they are, and nothing outside the folder', async () => {
    expect(await (await fetch(new URL('report.json', preview.url))).text()).toBe('{}')
    expect((await fetch(new URL('missing.pdf', preview.url))).status).toBe(404)
    // `fetch` would resolve `..` itself; an encoded slash reaches the server as written.
    writeFileSync(path.join(out, '..', 'secret.txt'), 'not for the web')
    const escape = await fetch(new URL('/..%2fsecret.txt', preview.url))
    expect(escape.status).toBe(404)
    expect(await escape.text()).not.toContain('not for the web')
    expect((await fetch(new URL('/%E0%A4%A', preview.url))).status).toBe(400)
    expect((await fetch(preview.url)).status).toBe(200)
  })

  it('tells open pages to reload after a rebuild', async () => {
    const controller = new AbortController()
    const response = await fetch(new URL('/__dossier/events', preview.url), { signal: controller.signal })
    const reader = response.body!.getReader()
    await reader.read() // the connection comment
    preview.reload()
    const { value } = await reader.read()
    expect(new TextDecoder().decode(value)).toContain('data: reload')
    controller.abort()
  })
})
