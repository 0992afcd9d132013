#!/usr/bin/env node
// Bundle dist/ from src/ (run by `npm install` and `npm test`, after tsc
// has checked the types). Loading a few large files is cheaper than
// resolving and reading hundreds of small ones: Node starts the command
// line in a fraction of the time. Each renderer stays a file of its own,
// loaded only when its format is built; code they share goes in chunks.
// Packages that read files beside their own code (pdfmake, fontkit), hold
// native code (resvg) or WebAssembly (subset-font), or that `npm install`
// patches (docx, see scripts/patch-docx.mjs) are loaded from node_modules.
import { readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const src = path.join(root, 'src')
const renderers = readdirSync(path.join(src, 'render'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => path.join(src, 'render', entry.name, 'index.ts'))

rmSync(path.join(root, 'dist'), { recursive: true, force: true })
await build({
  entryPoints: ['cli.ts', 'build.ts', 'renderers.ts', 'message.ts', 'preview.ts', 'pipeline.ts'].map((name) => path.join(src, name)).concat(renderers),
  outdir: path.join(root, 'dist'),
  outbase: src,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Chunks sit beside cli.js, so paths relative to a module (`../templates`) hold wherever code lands.
  chunkNames: '[name]-[hash]',
  external: ['pdfmake', 'pdfkit', 'fontkit', 'docx', 'docx/*', 'subset-font', '@resvg/resvg-js', 'chokidar'],
  // CommonJS packages inside an ES module bundle still call `require` for Node's own modules.
  banner: { js: "import { createRequire as __dossierRequire } from 'node:module'; const require = __dossierRequire(import.meta.url);" },
  logLevel: 'warning'
})
