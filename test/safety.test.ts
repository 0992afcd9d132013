import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { networkInterfaces } from 'node:os'
import path from 'node:path'
import type { Element, Root } from 'hast'
import rehypeParse from 'rehype-parse'
import { unified } from 'unified'
import { visit } from 'unist-util-visit'
import { afterAll, describe, expect, it } from 'vitest'
import { startPreview } from '../src/preview.js'
import { cli, fixture, root, tempDir } from './helpers.js'

const urlProperties = ['href', 'src', 'srcSet', 'action', 'formAction', 'xLinkHref', 'poster', 'data', 'cite', 'background', 'codeBase', 'ping', 'manifest']
const dangerousElements = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form', 'base', 'link', 'foreignobject', 'template'])

/** Everything in a page that could run script or fetch something, as readable lines. */
function hazards(html: string): string[] {
  const tree = unified().use(rehypeParse).parse(html) as Root
  const found: string[] = []
  const fetchingCss = (css: string) => /@import|url\(\s*(?!['"]?data:)/i.test(css)
  visit(tree, 'element', (node: Element) => {
    const name = node.tagName.toLowerCase()
    if (dangerousElements.has(name)) found.push(`<${name}>`)
    if (name === 'meta' && node.properties.httpEquiv !== undefined) found.push('<meta http-equiv>')
    if (name === 'style') {
      const css = node.children.map((child) => ('value' in child ? child.value : '')).join('')
      if (fetchingCss(css)) found.push(`<style> that fetches`)
    }
    for (const [key, value] of Object.entries(node.properties)) {
      if (/^on/i.test(key)) found.push(`${name} ${key}`)
      if (key === 'style' && fetchingCss(String(value))) found.push(`${name} style that fetches`)
      if (!urlProperties.includes(key)) continue
      // Browsers ignore whitespace and controls inside a scheme: so does this check.
      const url = (Array.isArray(value) ? value.join(' ') : String(value)).replace(/[\u0000-\u0020]/g, '').toLowerCase()
      if (/^(javascript|vbscript):|^data:text\/html/.test(url)) found.push(`${name} ${key}=${url.slice(0, 30)}`)
      // A resource (not a link) must come inlined: nothing is fetched from anywhere.
      if (key !== 'href' && key !== 'cite' && !url.startsWith('data:image/')) found.push(`${name} ${key} loads ${url.slice(0, 40)}`)
    }
  })
  return found
}

describe('a hostile source', () => {
  const out = tempDir('safety-')
  const networkLog = path.join(out, 'network.log')
  const preload = fixture('no-network', 'record-network.mjs')
  const build = spawnSync(
    process.execPath,
    ['--import', preload, path.join(root, 'dist', 'cli.js'), 'build', fixture('hostile', 'input.md'), '--out', out],
    { encoding: 'utf8', env: { ...process.env, DOSSIER_NETWORK_LOG: networkLog } }
  )

  it('builds every edition, the memo too', () => {
    expect(build.status, build.stderr).toBe(0)
    for (const name of ['input.html', 'input.json', 'input.pdf', 'input.docx', 'memos/input.brief.html', 'memos/input.brief.pdf', 'memos/input.brief.docx']) {
      expect(existsSync(path.join(out, name)), name).toBe(true)
    }
  })

  it('the web edition keeps no script, handler, script URL, frame, form, refresh or fetching CSS', () => {
    const html = readFileSync(path.join(out, 'input.html'), 'utf8')
    expect(hazards(html)).toEqual([])
    // The payloads' words are still there, as text: sanitizing drops markup, not the author's words.
    expect(html).toContain('raw javascript link')
    expect(html).toContain('svg link')
  })

  it('the HTML memo keeps none either', () => {
    const html = readFileSync(path.join(out, 'memos', 'input.brief.html'), 'utf8')
    expect(hazards(html)).toEqual([])
    expect(html).toContain('Refuse')
  })

  it('the check finds hazards when they are there', () => {
    const bad = '<p onclick="x()"><a href=" java\tscript:alert(1)">a</a><img src="https://example.org/a.png"><iframe></iframe><div style="background:url(https://e.org/b.png)"></div><meta http-equiv="refresh" content="0"></p>'
    expect(hazards(bad)).toHaveLength(6)
  })

  it('opens no connection and looks up no name while building every edition', () => {
    expect(existsSync(networkLog) ? readFileSync(networkLog, 'utf8') : '').toBe('')
  })

  it('the network recorder catches a connection when one is made', () => {
    const log = path.join(out, 'control.log')
    spawnSync(process.execPath, ['--import', preload, '--input-type=module', '-e', "await fetch('http://127.0.0.1:9/').catch(() => {}); await import('node:http').then(({ get }) => { try { get('http://example.org/') } catch {} })"], {
      env: { ...process.env, DOSSIER_NETWORK_LOG: log }
    })
    expect(readFileSync(log, 'utf8')).toMatch(/fetch http:\/\/127\.0\.0\.1:9\/\n.*example\.org/)
  })
})

describe('YAML that would exhaust memory', () => {
  it('a "billion laughs" document is one positioned error, at once', () => {
    const dir = tempDir()
    const lol = (name: string, of: string) => `${name}: &${name} [${Array(9).fill(`*${of}`).join(', ')}]`
    const levels = ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((name, index, all) => lol(name, index === 0 ? 'a' : all[index - 1]))
    writeFileSync(path.join(dir, 'input.md'), ['---', 'title: Laughs', 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]', ...levels, '---', '', 'Text.', ''].join('\n'))
    const started = performance.now()
    const result = cli(['check', 'input.md'], { cwd: dir })
    expect(performance.now() - started).toBeLessThan(20_000)
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/^input\.md:4:\d+ {2}error {2}.*aliases expanded more than 100 times.*front-matter-yaml$/m)
  })

  it('an alias with no anchor, and a tag, are positioned errors too', () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'input.md'), '---\ntitle: *nope\nkeywords: !custom [a]\n---\n\nText.\n')
    const result = cli(['check', 'input.md'], { cwd: dir })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/^input\.md:3:11 {2}error {2}Malformed front matter: Unresolved tag: !custom, expected plain YAML without tags.* front-matter-yaml$/m)
    writeFileSync(path.join(dir, 'input.md'), '---\ntitle: *nope\n---\n\nText.\n')
    expect(cli(['check', 'input.md'], { cwd: dir }).stderr).toContain('input.md:2:8  error  Malformed front matter: Unexpected alias `*nope` with no anchor before it')
  })
})

/** A GET with a Host header of our choosing (fetch would set its own). */
function get(url: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url)
    // `path` as written: no client-side normalisation of `..` or escapes.
    const req = request({ host: target.hostname, port: target.port, path: url.slice(target.origin.length), headers: host ? { host } : {} }, (response) => {
      let body = ''
      response.on('data', (chunk) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the preview server', async () => {
  const parent = tempDir()
  const out = path.join(parent, 'out')
  cpSync(fixture('hostile'), out, { recursive: true })
  writeFileSync(path.join(out, 'input.html'), '<!doctype html><p>Edition</p>')
  writeFileSync(path.join(parent, 'secret.txt'), 'not for the web')
  const preview = await startPreview(out, 0, 'input.html')
  afterAll(() => preview.close())

  it('listens on 127.0.0.1 only', async () => {
    expect(new URL(preview.url).hostname).toBe('127.0.0.1')
    const port = new URL(preview.url).port
    const outside = Object.values(networkInterfaces()).flat().find((address) => address && address.family === 'IPv4' && !address.internal)
    if (!outside) {
      console.log('skipped: this machine has no address but loopback to try the preview from')
      return
    }
    await expect(get(`http://${outside.address}:${port}/`)).rejects.toThrow(/ECONNREFUSED/)
  })

  it('serves nothing outside the output folder, however the path is written', async () => {
    for (const attempt of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/%2e%2e%2fsecret.txt', '/%252e%252e%252fsecret.txt', '/..%5csecret.txt', '/%2e%2e%5csecret.txt', '//secret.txt', '/.%2e/.%2e/secret.txt', `/${'..%2f'.repeat(8)}etc/passwd`]) {
      const response = await get(new URL(preview.url).origin + attempt)
      expect(response.body, attempt).not.toContain('not for the web')
      expect(response.body, attempt).not.toContain('root:')
      expect([400, 403, 404], attempt).toContain(response.status)
    }
  })

  it('refuses a request whose Host is not this machine (DNS rebinding)', async () => {
    const port = new URL(preview.url).port
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1.evil.example:${port}`, `localhost.evil.example:${port}`]) {
      const response = await get(preview.url, host)
      expect(response.status, host).toBe(403)
      expect(response.body).not.toContain('Edition')
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await get(preview.url, host)).status, host).toBe(200)
    }
  })
})
