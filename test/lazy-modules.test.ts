import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from './helpers.js'

const woff2 = path.join(root, 'node_modules', '@fontsource', 'source-sans-3', 'files', 'source-sans-3-latin-400-normal.woff2')

/**
 * In a fresh Node, optionally with dossier's lazy loading, load fontkit and
 * PDFKit as pdfmake does, then open a WOFF2 face (brotli) and encrypt a PDF
 * (AES, SHA-2): what each gives, and whether brotli and the ciphers were
 * loaded before they were used.
 */
function run(lazily: boolean) {
  const hook = path.join(root, 'dist', 'lazy-modules.js')
  const script = `
    ${lazily ? `require(${JSON.stringify(hook)}).loadLazily()` : ''}
    const { createRequire } = require('node:module')
    const fromPdfmake = createRequire(require.resolve('pdfmake', { paths: [${JSON.stringify(root)}] }))
    const fontkit = fromPdfmake('fontkit')
    const PDFDocument = fromPdfmake('pdfkit')
    const loaded = () => Object.keys(require.cache).filter((file) => /[\\\\/](brotli|@noble)[\\\\/]/.test(file)).length
    const before = loaded()
    const face = fontkit.create(require('node:fs').readFileSync(${JSON.stringify(woff2)}))
    const glyph = face.layout('Cyber operations').glyphs.map((glyph) => glyph.id + ':' + glyph.advanceWidth + ':' + glyph.path.commands.length)
    const document = new PDFDocument({ userPassword: 'reader', ownerPassword: 'owner', info: { CreationDate: new Date(0) } })
    const chunks = []
    document.on('data', (chunk) => chunks.push(chunk))
    document.on('end', () => {
      const pdf = Buffer.concat(chunks).toString('latin1')
      console.log(JSON.stringify({ before, after: loaded(), numGlyphs: face.numGlyphs, glyph, encrypted: /\\/Encrypt \\d+ 0 R/.test(pdf) && /\\/Filter \\/Standard/.test(pdf) }))
    })
    document.text('North Korea’s cyber operations')
    document.end()
  `
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
  expect(child.status, child.stderr).toBe(0)
  return JSON.parse(child.stdout) as { before: number; after: number; numGlyphs: number; glyph: string[]; encrypted: boolean }
}

describe('modules loaded when first used', () => {
  it('leaves brotli and the ciphers unloaded until a WOFF2 face or an encrypted PDF needs them, which then come out as before', () => {
    const lazy = run(true)
    const eager = run(false)
    expect(eager.before).toBeGreaterThan(0)
    expect(lazy.before).toBe(0)
    expect(lazy.after).toBeGreaterThan(0)
    expect(lazy.encrypted).toBe(true)
    expect(lazy.numGlyphs).toBeGreaterThan(100)
    expect({ ...lazy, before: 0, after: 0 }).toEqual({ ...eager, before: 0, after: 0 })
  })
})
