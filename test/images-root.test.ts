import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { unzipSync, strFromU8 } from 'fflate'
import type { Element, Root as HastRoot } from 'hast'
import { fromHtml } from 'hast-util-from-html'
import { select, selectAll } from 'hast-util-select'
import { toText } from 'hast-util-to-text'
import { PDFParse } from 'pdf-parse'
import { visit } from 'unist-util-visit'
import { describe, expect, it } from 'vitest'
import { build } from '../src/build.js'
import { measureImage } from '../src/plugins/remark-images.js'
import { sanitizeSvg } from '../src/sanitize-svg.js'
import { cli, fixture, root as repository, tempDir } from './helpers.js'

// The report sits in `report/`, its figures in `assets/` beside it: `../assets/figure.png`.
const folder = fixture('images-root')
const source = fixture('images-root', 'report', 'input.md')
const relativeSource = path.relative(repository, source)

/** The editions with images, built into a new folder: their text, read back as a reader would. */
async function editions(root?: string) {
  const out = tempDir('dossier-images-root-')
  const result = await build({ source, outDir: out, formats: ['html', 'pdf', 'docx'], root })
  const html = fromHtml(readFileSync(path.join(out, 'input.html'), 'utf8'))
  const docx = unzipSync(new Uint8Array(readFileSync(path.join(out, 'input.docx'))))
  const pdfBytes = readFileSync(path.join(out, 'input.pdf'))
  const parser = new PDFParse({ data: new Uint8Array(pdfBytes) })
  try {
    const text = (await parser.getText()).text
    const images = (await parser.getImage({ imageThreshold: 0, imageDataUrl: false })).pages.flatMap((page) => page.images.map((image) => [image.width, image.height]))
    return { out, result, html, docx, pdf: { bytes: pdfBytes, text, images } }
  } finally {
    await parser.destroy()
  }
}

/** The drawing the web page inlines for `alt`, parsed back from its `data:` URL. */
function inlinedSvg(html: HastRoot, alt: string): { markup: string; tree: HastRoot } {
  const image = selectAll('img', html).find((element) => element.properties.alt === alt)
  const src = String(image?.properties.src)
  expect(src).toMatch(/^data:image\/svg\+xml;base64,/)
  const markup = Buffer.from(src.slice(src.indexOf(',') + 1), 'base64').toString('utf8')
  return { markup, tree: fromHtml(markup, { fragment: true }) }
}

describe('images from the report’s folder tree (--root)', async () => {
  const inside = await editions(folder)
  const outside = await editions()

  it('reads ../assets/figure.png when the root holds it: the web page inlines it, the PDF and the Word file embed it', () => {
    expect(inside.result.file.messages.map(String)).toEqual([])
    const figure = selectAll('img', inside.html).find((element) => element.properties.alt === 'Incidents by quarter')
    expect(String(figure?.properties.src)).toBe(`data:image/png;base64,${readFileSync(path.join(folder, 'assets', 'figure.png')).toString('base64')}`)
    // The PNG is the PDF's one raster image, at its pixel size; the drawing is vectors.
    expect(inside.pdf.images).toEqual([[64, 32]])
    const media = Object.keys(inside.docx).filter((name) => name.startsWith('word/media/'))
    expect(media.some((name) => Buffer.from(inside.docx[name]).equals(readFileSync(path.join(folder, 'assets', 'figure.png'))))).toBe(true)
  })

  it('refuses the same images outside the default root, at their line and column, with the alt text in their place', () => {
    const refusals = outside.result.file.messages.map((message) => [message.ruleId, message.line, message.column])
    expect(refusals).toEqual([
      ['image-outside', 7, 1],
      ['image-outside', 9, 1]
    ])
    expect(outside.result.file.messages[0].reason).toContain('outside the root folder')
    expect(selectAll('img', outside.html)).toEqual([])
    const text = toText(select('main', outside.html)!)
    expect(text).toContain('Incidents by quarter')
    expect(text).toContain('A drawing of incidents')
    expect(outside.pdf.text).toContain('Incidents by quarter')
    expect(outside.pdf.images).toEqual([])
    expect(Object.keys(outside.docx).filter((name) => name.startsWith('word/media/'))).toEqual([])
    expect(strFromU8(outside.docx['word/document.xml'])).toContain('A drawing of incidents')
  })

  it('takes --root on the command line of build (and check, preview, memo)', () => {
    const out = tempDir('dossier-images-root-cli-')
    const refused = cli(['build', relativeSource, '--format', 'json', '--out', out])
    expect(refused.status, refused.stderr).toBe(0)
    expect(refused.stderr).toContain(`${relativeSource}:7:1  warning  Unexpected image \`../assets/figure.png\` outside the root folder`)
    const allowed = cli(['build', relativeSource, '--format', 'json', '--out', out, '--root', path.relative(repository, folder)])
    expect(allowed.status, allowed.stderr).toBe(0)
    expect(allowed.stderr).not.toContain('image-')
    for (const command of ['check', 'preview', 'memo']) expect(cli([command, '--help']).stdout).toContain('--root <dir>')
  })

  describe('an SVG with a script, event handlers, external references and a javascript: link', () => {
    const hostile = readFileSync(path.join(folder, 'assets', 'drawing.svg'), 'utf8')

    it('keeps none of them in the web edition, and keeps the drawing', () => {
      // The fixture holds each of them, so this test can fail.
      for (const part of ['<script>', 'onload=', 'onclick=', 'href="http://example.com/tracker.png"', 'javascript:', '<foreignObject', '@import', 'url(http://']) {
        expect(hostile).toContain(part)
      }
      const { markup, tree } = inlinedSvg(inside.html, 'A drawing of incidents')
      expect(selectAll('script, foreignObject, set, image', tree)).toEqual([])
      visit(tree, 'element', (element: Element) => {
        for (const [key, value] of Object.entries(element.properties)) {
          expect(key.toLowerCase().startsWith('on'), `${element.tagName} ${key}`).toBe(false)
          if (key === 'href' || key === 'xLinkHref') expect(String(value)).toMatch(/^#/)
        }
      })
      for (const gone of ['alert', 'javascript', 'http://example.com', '@import', 'HTML inside', 'chart.png']) expect(markup).not.toContain(gone)
      // What draws stays: the shapes, the gradient they point at, the safe style, the text.
      expect(selectAll('rect', tree)).toHaveLength(4)
      expect(select('rect[fill="url(#fade)"]', tree)).toBeDefined()
      expect(select('linearGradient#fade', tree)).toBeDefined()
      expect(toText(select('style', tree)!)).toContain('.bar')
      expect(toText(tree)).toContain('Quarterly')
      expect(toText(tree)).toContain('incidents')
    })

    it('draws it in the PDF as vectors, its text as text', () => {
      expect(inside.pdf.text).toMatch(/Quarterly\s+incidents/)
      expect(inside.pdf.text).not.toContain('HTML inside')
    })

    it('embeds it in the Word file as the sanitized SVG with a PNG that stands in for it', () => {
      const media = Object.keys(inside.docx).filter((name) => name.startsWith('word/media/'))
      const svg = media.filter((name) => name.endsWith('.svg'))
      expect(svg).toHaveLength(1)
      const embedded = strFromU8(inside.docx[svg[0]])
      expect(embedded).toBe(inlinedSvg(inside.html, 'A drawing of incidents').markup)
      const pngs = media.filter((name) => name.endsWith('.png')).map((name) => measureImage(inside.docx[name]))
      // The figure, and the drawing at 240 × 120 px drawn at twice 96 dpi.
      expect(pngs).toContainEqual({ type: 'png', width: 480, height: 240 })
      expect(strFromU8(inside.docx['word/document.xml'])).toContain('svgBlip')
    })

    it('gives the same bytes on every build', async () => {
      const again = await editions(folder)
      for (const name of ['input.html', 'input.pdf', 'input.docx']) {
        expect(readFileSync(path.join(again.out, name)).equals(readFileSync(path.join(inside.out, name))), name).toBe(true)
      }
    })
  })
})

describe('files the root does not let through', () => {
  /** A root with the report in `doc/`, and what the test puts beside it. */
  function layout(markdown: string) {
    const base = tempDir('dossier-root-')
    const root = path.join(base, 'root')
    mkdirSync(path.join(root, 'doc'), { recursive: true })
    mkdirSync(path.join(root, 'assets'))
    const input = path.join(root, 'doc', 'input.md')
    writeFileSync(input, `---\ntitle: Root\n---\n\n# Root\n\n${markdown}\n`)
    return { base, root, input }
  }

  it('refuses a link inside the root that leads out of it, and follows one that stays inside', async () => {
    const { root, input } = layout('![Leads out](../assets/out.png)\n\n![Stays in](../assets/in.png)')
    symlinkSync(fixture('images', 'chart.png'), path.join(root, 'assets', 'out.png'))
    copyFileSync(fixture('images', 'chart.png'), path.join(root, 'assets', 'real.png'))
    symlinkSync(path.join(root, 'assets', 'real.png'), path.join(root, 'assets', 'in.png'))
    const result = await build({ source: input, root, formats: ['json'], check: true })
    expect(result.file.messages.map((message) => [message.ruleId, message.line, message.column])).toEqual([['image-outside', 7, 1]])
    expect(result.file.messages[0].reason).toContain('leading by a link outside the root folder')
    expect(result.file.data.images?.get('../assets/in.png')).toMatchObject({ type: 'png', width: 64, height: 32 })
  })

  const fifo = process.platform !== 'win32' && spawnSync('mkfifo', [path.join(tempDir('dossier-fifo-probe-'), 'probe')]).status === 0

  it.skipIf(!fifo && !process.env.CI)('refuses a FIFO named as an image without waiting on it (needs mkfifo)', () => {
    const { root, input } = layout('![A pipe](../assets/pipe.png)')
    expect(spawnSync('mkfifo', [path.join(root, 'assets', 'pipe.png')]).status).toBe(0)
    // Opening a FIFO to read waits for a writer: were it opened, the build would never end.
    const run = spawnSync(process.execPath, [path.join(repository, 'dist', 'cli.js'), 'build', input, '--root', root, '--format', 'html', '--out', path.join(root, 'out')], {
      encoding: 'utf8',
      timeout: 60_000
    })
    expect(run.signal, 'the build hung on the FIFO').toBeNull()
    expect(run.status).toBe(0)
    expect(run.stderr).toMatch(/doc\/input\.md:7:1 +warning +Cannot read the image `\.\.\/assets\/pipe\.png`: it is a FIFO \(named pipe\), expected a file .* image-unreadable/)
  })

  it.skipIf(process.platform === 'win32')('refuses a device without opening it', async () => {
    const { input } = layout('![A device](/dev/zero)')
    const result = await build({ source: input, root: '/', formats: ['json'], check: true })
    expect(result.file.messages.map((message) => [message.ruleId, message.line])).toEqual([['image-unreadable', 7]])
    expect(result.file.messages[0].reason).toContain('it is a device')
  })
})

describe('sanitizeSvg: the size each edition draws at', () => {
  const svg = (attributes: string) => `<svg xmlns="http://www.w3.org/2000/svg" ${attributes}><rect width="1" height="1"/></svg>`
  const size = (attributes: string) => {
    const result = sanitizeSvg(svg(attributes))
    return 'svg' in result ? [result.width, result.height] : result.reason
  }

  it('takes width and height in absolute units, or the viewBox’s proportions', () => {
    expect(size('width="2in" height="72pt"')).toEqual([192, 96])
    expect(size('width="100%" viewBox="0 0 300 150"')).toEqual([300, 150])
    expect(size('width="600" viewBox="0 0 300 150"')).toEqual([600, 300])
    expect(size('')).toContain('expected an `<svg>` with `width` and `height`')
  })

  it('writes the size and viewBox into the drawing, so every reader agrees', () => {
    const result = sanitizeSvg(svg('width="2in" height="1in"'))
    const drawn = fromHtml('svg' in result ? result.svg : '', { fragment: true })
    expect(select('svg', drawn)?.properties).toEqual({ xmlns: 'http://www.w3.org/2000/svg', width: '192', height: '96', viewBox: '0 0 192 96' })
  })

  it('keeps the words the drawing sets, entities read, for choosing the faces that draw them', () => {
    const result = sanitizeSvg('<svg width="100" height="40"><text x="1" y="20">A &amp; B &lt; <tspan>북한</tspan></text><desc>not drawn</desc><text>2015</text></svg>')
    expect('text' in result && result.text).toBe('A & B < 북한 2015')
  })

  it('refuses a file that is not one drawing, rather than lose what an HTML parser moves out of it', () => {
    expect(sanitizeSvg('<svg width="1" height="1"><p>leaves the drawing</p><rect/></svg>')).toHaveProperty('reason')
    expect(sanitizeSvg('GIF89a')).toHaveProperty('reason')
  })
})
