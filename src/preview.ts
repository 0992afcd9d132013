import { readFile } from 'node:fs/promises'
import { createServer, type ServerResponse } from 'node:http'
import path from 'node:path'

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

/** Reloads the page when the build says so; added to served pages only, never to files. */
const reloadScript = `<script>new EventSource('/__dossier/events').onmessage = () => location.reload()</script>`

export interface Preview {
  url: string
  /** Tell open pages that the editions changed. */
  reload(): void
  close(): Promise<void>
}

/**
 * Serve the output folder on this machine only (127.0.0.1), with live
 * reload: the page an editor is reading refreshes after each rebuild.
 */
export async function startPreview(outDir: string, port: number, index: string): Promise<Preview> {
  const clients = new Set<ServerResponse>()
  const root = path.resolve(outDir)
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost')
    if (url.pathname === '/__dossier/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
      response.write(': connected\n\n')
      clients.add(response)
      request.on('close', () => clients.delete(response))
      return
    }
    let wanted: string
    try {
      wanted = url.pathname === '/' ? index : decodeURIComponent(url.pathname)
    } catch {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request')
      return
    }
    const target = path.resolve(root, '.' + path.posix.normalize('/' + wanted))
    if (!target.startsWith(root + path.sep)) {
      response.writeHead(403).end('Forbidden')
      return
    }
    try {
      const body = await readFile(target)
      const type = types[path.extname(target)] ?? 'application/octet-stream'
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' })
      response.end(type.startsWith('text/html') ? body.toString('utf8').replace('</body>', `${reloadScript}</body>`) : body)
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`Not found: ${wanted}`)
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  const address = server.address()
  const actualPort = typeof address === 'object' && address ? address.port : port
  return {
    url: `http://127.0.0.1:${actualPort}/`,
    reload() {
      for (const client of clients) client.write('data: reload\n\n')
    },
    close() {
      for (const client of clients) client.end()
      return new Promise((resolve) => server.close(() => resolve()))
    }
  }
}
