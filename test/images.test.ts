import { readFileSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import { unzipSync } from 'fflate'
import type { Root as HastRoot } from 'hast'
import { selectAll } from 'hast-util-select'
import { toText } from 'hast-util-to-text'
import rehypeParse from 'rehype-parse'
import { unified } from 'unified'
import { VFile } from 'vfile'
import { describe, expect, it } from 'vitest'
import { build } from '../src/build.js'
import { parseReport } from '../src/pipeline.js'
import { measureImage } from '../src/plugins/remark-images.js'
import { fixture, tempDir } from './helpers.js'

const source = fixture('images', 'input.md')

describe('images, read once for every edition', async () => {
  const file = new VFile({ path: source, value: readFileSync(source, 'utf8') })
  await parseReport(file)

  it('reads local PNG and JPEG files with their pixel size', () => {
    const chart = file.data.images?.get('chart.png')
    expect(chart && 'bytes' in chart && { type: chart.type, width: chart.width, height: chart.height }).toEqual({ type: 'png', width: 64, height: 32 })
    const photo = file.data.images?.get('photo.jpg')
    expect(photo && 'bytes' in photo && { type: photo.type, width: photo.width, height: photo.height }).toEqual({ type: 'jpeg', width: 34, height: 44 })
  })

  it('refuses remote images, files outside the source’s folder, missing files and other formats, one warning each at the image', () => {
    const warnings = file.messages.map((message) => [message.ruleId, message.line, message.fatal])
    expect(warnings).toEqual([
      ['image-remote', 15, false],
      ['image-outside', 17, false],
      ['image-unreadable', 19, false],
      ['image-format', 21, false],
      // Raw HTML's <img> goes through the same checks.
      ['image-remote', 23, false]
    ])
    expect(file.messages.every((message) => message.reason.endsWith('its alt text stands in'))).toBe(true)
    expect(file.data.images?.get('https://example.com/remote.png')).toEqual({ refused: 'image-remote' })
    expect(file.data.images?.get('notes.gif')).toEqual({ refused: 'image-format' })
  })

  it('refuses a link below the folder that leads outside it', async () => {
    const dir = tempDir('dossier-images-link-')
    symlinkSync(fixture('images', 'chart.png'), path.join(dir, 'chart.png'))
    const linked = new VFile({ path: path.join(dir, 'input.md'), value: '# Images\n\n![A chart](chart.png)\n' })
    await parseReport(linked)
    expect(linked.messages.map((message) => message.ruleId)).toContain('image-outside')
    expect(linked.data.images?.get('chart.png')).toEqual({ refused: 'image-outside' })
  })

  it('reads no file when the source has no folder', async () => {
    const memory = new VFile({ value: '# Images\n\n![A chart](chart.png)\n' })
    await parseReport(memory)
    expect(memory.messages.map((message) => message.ruleId)).toContain('image-unreadable')
  })

  it('measures only PNG and JPEG headers', () => {
    expect(measureImage(new Uint8Array(readFileSync(fixture('images', 'notes.gif'))))).toBeUndefined()
    expect(measureImage(new Uint8Array([0xff, 0xd8, 0xff]))).toBeUndefined()
    expect(measureImage(new Uint8Array(0))).toBeUndefined()
  })
})

describe('images in every edition', async () => {
  const out = tempDir('dossier-images-')
  const result = await build({ source, outDir: out, formats: ['html', 'pdf', 'docx'] })
  const html = readFileSync(path.join(out, 'input.html'), 'utf8')
  const tree = unified().use(rehypeParse).parse(html) as HastRoot

  it('warns once per refused image, whatever the number of editions', () => {
    expect(result.written).toHaveLength(3)
    const rules = result.file.messages.map((message) => message.ruleId)
    expect(rules.filter((rule) => rule?.startsWith('image-'))).toEqual(['image-remote', 'image-outside', 'image-unreadable', 'image-format', 'image-remote'])
  })

  it('inlines images in the web page, alt text kept, and sets the alt text of refused ones', () => {
    const images = selectAll('img', tree)
    expect(images.map((image) => String(image.properties.alt))).toEqual(['A chart', 'A photo', 'The chart again, by reference', 'The chart once more'])
    for (const image of images) expect(String(image.properties.src)).toMatch(/^data:image\/(png|jpeg);base64,/)
    const text = toText(selectAll('main', tree)[0])
    for (const alt of ['Remote', 'Outside', 'Missing', 'A GIF', 'a raw image', 'a raw local image']) expect(text).toContain(alt)
    // Nothing in the page points at a file or another host to load.
    expect(html).not.toMatch(/\s(src|srcset)="(?!data:)/i)
  })

  it('embeds each image file once in the PDF and the Word file', () => {
    const pdf = readFileSync(path.join(out, 'input.pdf')).toString('latin1')
    expect(pdf.match(/\/Subtype \/Image/g)).toHaveLength(2)
    const media = Object.keys(unzipSync(new Uint8Array(readFileSync(path.join(out, 'input.docx'))))).filter((name) => name.startsWith('word/media/'))
    expect(media.map((name) => path.extname(name)).sort()).toEqual(['.jpg', '.png'])
  })
})
