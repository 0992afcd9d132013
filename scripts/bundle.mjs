#!/usr/bin/env node
// Bundle dist/ from src/ (run by `npm install`, `npm pack` and `npm test`,
// after tsc has checked the types). Loading a few large files is cheaper
// than resolving and reading hundreds of small ones: Node starts the
// command line in a fraction of the time. Each renderer stays a file of its
// own, loaded only when its format is built; code they share goes in
// chunks. Packages that read files beside their own code (pdfmake, fontkit),
// hold native code (resvg) or WebAssembly (subset-font) are loaded from
// node_modules. docx is bundled, with one change (`docxLayout` below).
import { readFile, rm } from 'node:fs/promises'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const src = path.join(root, 'src')
const renderers = readdirSync(path.join(src, 'render'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => path.join(src, 'render', entry.name, 'index.ts'))

// When docx lists the pages it laid out (for the Word edition's table of
// contents), it looks for what it guessed at on each page by scanning
// everything placed on every page: pages × placements, a quarter of a Word
// build at 100 copies of the report. This gathers the guesses by page in
// one pass instead; what each page lists, and in what order, is unchanged.
// A docx whose code differs (a newer release) is bundled as it is, with a
// note: it builds the same, only slower on long reports.
const scan = 'const guessesOn = (page) => [...new Set(placements.flatMap((placement) => placement.type === "guess" && placement.page === page ? [placement.reason] : []))];'
const byPage =
  'const guessesByPage = /* dossier: gathered once, not per page */ placements.reduce((pages, placement) => placement.type === "guess" ? pages.set(placement.page, (pages.get(placement.page) ?? new Set()).add(placement.reason)) : pages, new Map()); ' +
  'const guessesOn = (page) => [...(guessesByPage.get(page) ?? [])];'
// docx is compiled with Babel's helper for object spread (`{ ...line }`),
// which copies key by key through closures and property descriptors. docx's
// page layout spreads its state for every word: that helper was a third of
// a Word build at 100 copies. In that file (layout.mjs) every object is
// plain data, with no getter, setter or `__proto__` key, so the helper is
// exactly the language's own spread, which V8 copies in one step. A layout
// that has accessors keeps Babel's helper.
const spreadHelper = /^function _objectSpread2\(e\) \{\n[\s\S]*?\n\}$/m
const accessors = /(?:[{,]|^)\s*(?:get|set)\s+[\w$]+\s*\(|__proto__/m
const nativeSpread = `function _objectSpread2(e) { /* dossier: the language's spread; this file's objects are plain data */
	if (arguments.length === 2) return { ...e, ...arguments[1] };
	if (arguments.length === 3) return { ...e, ...arguments[1], ...arguments[2] };
	for (var r = 1; r < arguments.length; r++) e = { ...e, ...arguments[r] };
	return e;
}`
const docxLayout = {
  name: 'docx-layout',
  setup(bundler) {
    bundler.onLoad({ filter: /[\\/]node_modules[\\/]docx[\\/]dist[\\/]layout\.mjs$/ }, async (args) => {
      let code = await readFile(args.path, 'utf8')
      const name = path.basename(args.path)
      if (!code.includes(scan)) console.warn(`dossier: docx's ${name} is not the one dossier knows; its page layout is bundled as it is`)
      code = code.replace(scan, byPage)
      if (!spreadHelper.test(code) || accessors.test(code)) console.warn(`dossier: docx's ${name} has accessors or no spread helper; its spread is bundled as it is`)
      else code = code.replace(spreadHelper, nativeSpread)
      return { contents: code, loader: 'js' }
    })
  }
}

// micromark applies its edits to a document's events by copying all of them
// (EditMap#consume), and it does so each time a block quote or a list item
// ends: a cost that grows with the square of the document, 60% of parsing
// the report copied 100 times. The edits all fall near the end, so this
// copies only the events from the first edit on; the result is the same
// array. Each copy of the edit map (micromark's own, the GFM table's) gets
// the change; one whose code differs is bundled as it is, with a note.
const copyAll = '    let index = this.map.length;'
const copyTail = `    const head = this.map[0][0]; /* dossier: only the events from the first edit on are copied */
    if (head <= events.length) {
      const tail = events.slice(head);
      events.length = head;
      let index = this.map.length;
      const vecs = [];
      while (index > 0) {
        index -= 1;
        vecs.push(tail.slice(this.map[index][0] + this.map[index][1] - head), this.map[index][2]);
        tail.length = this.map[index][0] - head;
      }
      let slice = vecs.pop();
      while (slice) {
        for (const element of slice) events.push(element);
        slice = vecs.pop();
      }
      this.map.length = 0;
      this.index.clear();
      return;
    }
${copyAll}`
const editMap = {
  name: 'edit-map',
  setup(bundler) {
    bundler.onLoad({ filter: /[\\/]node_modules[\\/](micromark-util-edit-map[\\/]index|micromark-extension-gfm-table[\\/]lib[\\/]edit-map)\.js$/ }, async (args) => {
      const code = await readFile(args.path, 'utf8')
      if (code.split(copyAll).length !== 2) console.warn(`dossier: ${path.relative(root, args.path)} is not the one dossier knows; it is bundled as it is`)
      return { contents: code.replace(copyAll, copyTail), loader: 'js' }
    })
  }
}

await rm(path.join(root, 'dist'), { recursive: true, force: true })
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
  external: ['pdfmake', 'pdfkit', 'fontkit', 'subset-font', '@resvg/resvg-js', 'chokidar'],
  plugins: [docxLayout, editMap],
  // CommonJS packages inside an ES module bundle still call `require` for Node's own modules.
  banner: { js: "import { createRequire as __dossierRequire } from 'node:module'; const require = __dossierRequire(import.meta.url);" },
  logLevel: 'warning'
})
