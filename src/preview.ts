import { readFile } from 'node:fs/promises'
import { createServer, type ServerResponse } from 'node:http'
import path from 'node:path'
import { escapeHtml } from './format.js'

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.pdf': 'application/pdf',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml'
}

/**
 * Added to served pages only, never to files: reloads the page when the
 * build rewrote it (a folder's listing: anything in it), and shows the
 * last build's problems over the page while there are any.
 */
function liveScript(page: string): string {
  return `<script>(() => {
  const page = ${JSON.stringify(page).replace(/</g, '\\u003c')}
  const events = new EventSource('/__dossier/events')
  events.addEventListener('reload', (event) => {
    const changed = JSON.parse(event.data)
    if (changed.some((file) => file === page || (page.endsWith('/') || page === '') && file.startsWith(page))) location.reload()
  })
  events.addEventListener('problems', (event) => {
    const problems = JSON.parse(event.data)
    let box = document.getElementById('dossier-problems')
    if (!problems) return box && box.remove()
    if (!box) {
      box = document.createElement('aside')
      box.id = 'dossier-problems'
      box.setAttribute('role', 'alert')
      box.style.cssText = 'position:fixed;inset:0 0 auto 0;max-height:70vh;overflow:auto;z-index:2147483647;margin:0;padding:1em 1.5em;background:#fff4f2;color:#1d1d1f;border-bottom:3px solid #b3261e;font:14px/1.45 ui-monospace,monospace;box-shadow:0 4px 16px rgba(0,0,0,.2)'
      document.body.append(box)
    }
    const title = document.createElement('strong')
    title.textContent = 'The last build failed; below is the last page that built. Fix the source and save.'
    const text = document.createElement('pre')
    text.style.cssText = 'white-space:pre-wrap;margin:.75em 0 0'
    text.textContent = problems
    box.replaceChildren(title, text)
  })
})()</script>`
}

export interface Preview {
  url: string
  port: number
  /** Files a build has just written (paths inside the output folder): serve them, and reload the pages showing them. */
  wrote(files: string[]): void
  /** A build succeeded, writing `files`: serve only these from now on, and clear any problems shown. */
  built(files: string[]): void
  /** A build failed: show its problems over the last good page. */
  failed(problems: string): void
  close(): Promise<void>
}

/**
 * Serve the editions on this machine only (127.0.0.1), with live reload:
 * the page an editor is reading refreshes after each rebuild, and shows
 * what broke when a build fails. Only the files the builds of this session
 * wrote are served, never others left in the folder by earlier builds; a
 * folder's address lists its files. Rejects with the server's error
 * (`EADDRINUSE`: the port is taken).
 */
export async function startPreview(outDir: string, port: number, index: string): Promise<Preview> {
  const clients = new Set<ServerResponse>()
  const root = path.resolve(outDir)
  let served = new Set<string>()
  let problems = ''
  const send = (event: string, data: unknown) => {
    for (const client of clients) client.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
  }
  const page = (body: Buffer | string, at: string) => body.toString().replace(/<\/body>|$/i, (end) => `${liveScript(at)}${end}`)

  const server = createServer(async (request, response) => {
    // A page elsewhere may point its own name at 127.0.0.1 (DNS rebinding):
    // only requests addressed to this machine by its local names are served.
    if (!localHost(request.headers.host)) {
      response.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden: not a local host name')
      return
    }
    // Appended, not resolved: `//name` is a path here, not another host.
    const url = new URL(`http://localhost${request.url ?? '/'}`)
    if (url.pathname === '/__dossier/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
      response.write(': connected\n\n')
      // A page opened while the build is broken shows why at once.
      if (problems) response.write(`event: problems\ndata: ${JSON.stringify(problems)}\n\n`)
      clients.add(response)
      request.on('close', () => clients.delete(response))
      return
    }
    let wanted: string
    try {
      wanted = decodeURIComponent(url.pathname)
    } catch {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request')
      return
    }
    const relative = path.posix.normalize('/' + wanted).slice(1)
    const target = path.resolve(root, relative)
    if (target !== root && !target.startsWith(root + path.sep)) {
      response.writeHead(403).end('Forbidden')
      return
    }
    const file = relative === '' ? index : relative
    if (served.has(file)) {
      try {
        const body = await readFile(path.join(root, file))
        const type = types[path.extname(file)] ?? 'application/octet-stream'
        response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' })
        response.end(type.startsWith('text/html') ? page(body, file) : body)
        return
      } catch {
        // Removed since it was written: not found, as below.
      }
    }
    const folder = relative === '' || relative.endsWith('/') ? relative : `${relative}/`
    const listed = [...served].filter((name) => name.startsWith(folder)).sort()
    if (listed.length > 0 || relative === '') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      response.end(page(listing(folder, listed), folder))
      return
    }
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`Not found: ${wanted} (the last build did not write it)`)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  const address = server.address()
  const actualPort = typeof address === 'object' && address ? address.port : port
  return {
    url: `http://127.0.0.1:${actualPort}/`,
    port: actualPort,
    wrote(files) {
      for (const name of files) served.add(name)
      send('reload', files)
    },
    built(files) {
      served = new Set(files)
      problems = ''
      send('problems', '')
    },
    failed(text) {
      problems = text
      send('problems', text)
    },
    close() {
      for (const client of clients) client.end()
      return new Promise((resolve) => server.close(() => resolve()))
    }
  }
}

/** A folder's files, as links. */
function listing(folder: string, files: string[]): string {
  const title = `/${folder}`
  const items = files.map((name) => `<li><a href="/${name.split('/').map(encodeURIComponent).join('/')}">${escapeHtml(name.slice(folder.length))}</a></li>`)
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
${items.length > 0 ? `<ul>\n${items.join('\n')}\n</ul>` : '<p>Nothing built yet.</p>'}
</body>
</html>
`
}

/** `127.0.0.1`, `localhost` or `[::1]`, with any port. */
function localHost(host: string | undefined): boolean {
  return /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i.test(host ?? '')
}
