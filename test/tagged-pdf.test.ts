import { spawn, spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Root } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { visit } from 'unist-util-visit'
import { VFile } from 'vfile'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseReport } from '../src/pipeline.js'
import { cli, fixture, needs, normalize, reportSource, root, tempDir } from './helpers.js'

/** A structure element as `pdfinfo -struct-text` prints it: its role, its own text runs, its children. */
interface Element {
  role: string
  id?: string
  texts: string[]
  children: Element[]
}

/** The structure tree, read back with poppler, in the order it gives. */
function structure(pdf: string): Element {
  const output = spawnSync('pdfinfo', ['-struct-text', pdf], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).stdout
  const root: Element = { role: 'root', texts: [], children: [] }
  const stack: Array<{ indent: number; element: Element }> = [{ indent: -1, element: root }]
  for (const line of output.split('\n')) {
    const indent = line.length - line.trimStart().length
    const content = line.trim()
    const element = /^([A-Za-z0-9]+)(?: <([^>]*)>)?(?: \((?:block|inline)\))?:?$/.exec(content)
    if (!content || (!element && !content.startsWith('"'))) continue
    while (stack.at(-1)!.indent >= indent) stack.pop()
    const parent = stack.at(-1)!.element
    if (!element) {
      parent.texts.push(content.slice(1, -1))
      continue
    }
    const child: Element = { role: element[1], id: element[2], texts: [], children: [] }
    parent.children.push(child)
    stack.push({ indent, element: child })
  }
  return root.children[0]
}

/** Every element, depth first, in reading order. */
function all(element: Element): Element[] {
  return [element, ...element.children.flatMap(all)]
}

/** An element's words and its children's, in order. */
function text(element: Element): string {
  return normalize([...element.texts, ...element.children.map(text)].join(' '))
}

/** What a PDF holds, object by object, as qpdf reads it (streams decoded). */
function objects(pdf: string): Record<string, { value?: Record<string, unknown>; stream?: { dict: Record<string, unknown>; data?: string } }> {
  const json = spawnSync('qpdf', ['--json=2', '--json-key=qpdf', '--json-stream-data=inline', '--decode-level=generalized', pdf], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).stdout
  return (JSON.parse(json) as { qpdf: [unknown, Record<string, never>] }).qpdf[1]
}

/** The structure elements' attributes (`/S`, `/Alt`, `/Lang`, `/ID`, `/ActualText`), without their kids. */
function structElements(pdf: string): Array<Record<string, string>> {
  return Object.values(objects(pdf))
    .map((object) => object.value)
    .filter((value): value is Record<string, string> => value?.['/Type'] === '/StructElem')
}

/**
 * The painting operators of every page that are in no marked content: what
 * is drawn must be structure or an artifact. Text (`Tj`, `TJ`), images and
 * forms (`Do`), fills and strokes.
 */
function unmarkedPainting(pdf: string): string[] {
  const all = objects(pdf)
  const pages = Object.values(all).filter((object) => object.value?.['/Type'] === '/Page')
  const found: string[] = []
  for (const [index, page] of pages.entries()) {
    const contents = ([] as string[]).concat(page.value!['/Contents'] as string)
    for (const reference of contents) {
      const data = Buffer.from(all[`obj:${reference}`].stream!.data!, 'base64').toString('latin1')
      // Strings, hex strings and arrays hold no operators.
      const tokens = data.replace(/\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>|\[[^\]]*\]/g, ' ').split(/\s+/)
      let depth = 0
      for (const token of tokens) {
        if (token === 'BDC' || token === 'BMC') depth++
        else if (token === 'EMC') depth--
        else if (depth === 0 && ['Tj', 'TJ', "'", '"', 'Do', 'f', 'f*', 'F', 'S', 's', 'B', 'B*', 'b', 'b*', 'sh'].includes(token)) found.push(`page ${index + 1}: ${token}`)
      }
    }
  }
  return found
}

/** Lines and words where poppler finds them: what must not move when the PDF is tagged. */
function layout(pdf: string): string[] {
  const html = spawnSync('pdftotext', ['-bbox', pdf, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).stdout
  return html.split('\n').filter((line) => /<(page|word)\b/.test(line.trim()))
}

/** The compiled CLI, as `cli` runs it, but in the background: the builds run side by side. */
function dossier(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], { cwd: root, env: { ...process.env, ...env } })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
    child.on('close', (status) => resolve({ status, stderr }))
  })
}

async function tree(source: string): Promise<Root> {
  return parseReport(new VFile({ path: source, value: readFileSync(source, 'utf8') }))
}

describe.skipIf(!needs('poppler', 'qpdf'))('the tagged PDFs', () => {
  // The first report with its memos, and the fixture (`fixture/report.pdf`); each built tagged and, to compare, untagged.
  const tagged = tempDir('dossier-tagged-')
  const untagged = tempDir('dossier-untagged-')
  const pdf = (dir: string, name: string) => path.join(dir, name)

  beforeAll(async () => {
    const builds = [tagged, untagged].flatMap((out) => {
      const env = out === untagged ? { DOSSIER_UNTAGGED_PDF: '1' } : {}
      return [
        dossier(['build', reportSource, '--out', out, '--format', 'pdf,memo'], env),
        dossier(['build', fixture('tagged', 'report.md'), '--out', path.join(out, 'fixture'), '--format', 'pdf'], env)
      ]
    })
    for (const { status, stderr } of await Promise.all(builds)) expect(status, stderr).toBe(0)
  })

  const printed = ['report.pdf', 'memos/report.us.pdf', 'memos/report.alliance.pdf', 'memos/report.defenders.pdf', 'fixture/report.pdf']

  it('are marked tagged, in the report’s language, with the title shown and the PDF/UA identification', () => {
    for (const name of printed) {
      const info = spawnSync('pdfinfo', [pdf(tagged, name)], { encoding: 'utf8' }).stdout
      expect(info, name).toMatch(/^Tagged:\s+yes$/m)
      const bytes = readFileSync(pdf(tagged, name)).toString('latin1')
      expect(bytes, name).toMatch(/<pdfuaid:part>1<\/pdfuaid:part>/)
      const catalog = Object.values(objects(pdf(tagged, name))).find((object) => object.value?.['/Type'] === '/Catalog')!.value!
      expect(catalog['/Lang'], name).toBe('u:en')
      expect(catalog['/MarkInfo'] ?? '', name).toBeTruthy()
      expect(JSON.stringify(objects(pdf(tagged, name))), name).toContain('"/DisplayDocTitle":true')
    }
    expect(spawnSync('pdfinfo', [pdf(untagged, 'report.pdf')], { encoding: 'utf8' }).stdout).toMatch(/^Tagged:\s+no$/m)
  })

  it('draw nothing outside the structure but artifacts, and file every piece of marked content under its element', () => {
    for (const name of printed) {
      expect(unmarkedPainting(pdf(tagged, name)), name).toEqual([])
      // The parent tree maps each page's marked content back to its element: no gaps.
      const root = Object.values(objects(pdf(tagged, name))).find((object) => object.value?.['/Type'] === '/StructTreeRoot')!.value!
      const entries = (root['/ParentTree'] as { '/Nums': unknown[] })['/Nums'].filter((_, index) => index % 2 === 1)
      expect(entries.length, name).toBeGreaterThan(0)
      expect(entries.flat().filter((entry) => typeof entry !== 'string'), name).toEqual([])
    }
  })

  it('keep every page and every word where it was untagged', () => {
    for (const name of printed) {
      const before = layout(pdf(untagged, name))
      expect(before.length, name).toBeGreaterThan(100)
      expect(layout(pdf(tagged, name)), name).toEqual(before)
    }
  })

  describe('the report', () => {
    let document: Element
    let source: Root
    beforeAll(async () => {
      document = structure(pdf(tagged, 'report.pdf'))
      source = await tree(reportSource)
    })

    it('opens with the title as the first heading, then the contents as a TOC of links', () => {
      expect(document.role).toBe('Document')
      const headings = all(document).filter((element) => /^H[1-6]$/.test(element.role))
      expect(headings[0]).toMatchObject({ role: 'H1' })
      expect(text(headings[0])).toBe(normalize('North Korea’s Cyber Operations'))
      const toc = all(document).find((element) => element.role === 'TOC')!
      const entries = toc.children.filter((element) => element.role === 'TOCI')
      expect(entries.map((entry) => text(entry.children[0]))).toEqual([
        'executive summary 4',
        'the strategic context of dprk’s cyber operations 4',
        'the organization of dprk’s cyber operations 6',
        'future threat trends from dprk’s cyber operations 7',
        'recommendations for policy 8'
      ])
      expect(entries.every((entry) => entry.children[0].role === 'Link')).toBe(true)
    })

    it('has a heading element for every heading, at its level below the title, in order', () => {
      const expected: string[] = []
      visit(source, 'heading', (node) => {
        expected.push(`H${node.depth + 1} ${normalize(toString(node))}`)
      })
      const headings = all(document).filter((element) => /^H[2-6]$/.test(element.role) && text(element) !== 'contents')
      expect(headings.map((element) => `${element.role} ${text(element)}`)).toEqual(expected)
    })

    it('has every paragraph’s words inside one P, in reading order, and no running head or folio among them', () => {
      const paragraphs = all(document).filter((element) => element.role === 'P').map(text)
      let from = 0
      const missing: string[] = []
      visit(source, 'paragraph', (node) => {
        const words = normalize(toString(node))
        const at = paragraphs.findIndex((paragraph, index) => index >= from && paragraph === words)
        if (at < 0) missing.push(words.slice(0, 80))
        else from = at + 1
      })
      expect(missing).toEqual([])
      // The running head repeats the short title and the chapter; the folio is a page number.
      const shortTitle = normalize('North Korea’s Cyber Operations')
      const texts = all(document).flatMap((element) => element.texts.map((value) => ({ role: element.role, value: normalize(value) })))
      expect(texts.filter(({ value }) => value === shortTitle).map(({ role }) => role)).toEqual(['H1'])
      expect(texts.filter(({ value, role }) => /^\d+$/.test(value) && role !== 'Link')).toEqual([])
    })

    it('sets lists as L > LI > Lbl + LBody, the labels as printed', () => {
      const lists = all(document).filter((element) => element.role === 'L')
      expect(lists.length).toBeGreaterThan(4)
      for (const list of lists) {
        for (const item of list.children) {
          expect(item.role).toBe('LI')
          expect(item.children.map((child) => child.role)).toEqual(['Lbl', 'LBody'])
        }
      }
      const future = lists.find((list) => text(list).startsWith('1. future threats'))!
      const nested = all(future).filter((element) => element.role === 'L')[1]
      expect(nested.children.map((item) => text(item.children[0]))).toEqual(['a.', 'b.', 'c.', 'd.'])
    })
  })

  describe('a report with a table, a figure, a footnote, nested lists and Korean', () => {
    let document: Element
    beforeAll(() => {
      document = structure(pdf(tagged, 'fixture/report.pdf'))
    })

    it('reads in the order written: headings, the paragraph, its note, the table after its caption, the figure before its own, the lists', () => {
      const body = document.children.map((element) => element.role)
      const start = body.indexOf('H2', body.indexOf('TOC'))
      expect(body.slice(start)).toEqual(['H2', 'P', 'Note', 'Caption', 'Table', 'Figure', 'Caption', 'H3', 'L', 'L', 'H3', 'P', 'P'])
      expect(document.children.filter((element) => element.role === 'Caption').map(text)).toEqual(['table 1. incidents and their attribution', 'figure 1. a bar chart of incidents by year'])
    })

    it('has the table’s header row as TH and its rows as TR > TD', () => {
      const table = document.children.find((element) => element.role === 'Table')!
      expect(table.children.map((row) => row.children.map((cell) => `${cell.role} ${text(cell)}`))).toEqual([
        ['TH year', 'TH incident', 'TH attribution'],
        ['TD 2013', 'TD darkseoul', 'TD north korea'],
        ['TD 2014', 'TD sony pictures', 'TD north korea']
      ])
      const scopes = structElements(pdf(tagged, 'fixture/report.pdf')).filter((element) => element['/S'] === '/TH')
      expect(scopes.map((element) => JSON.stringify(element['/A']))).toEqual(Array(3).fill(JSON.stringify({ '/O': '/Table', '/Scope': '/Column' })))
    })

    // pdfmake draws a table's header row again atop each page the table runs onto: the repeats are artifacts.
    it('has a long table’s header row in the structure once, however many pages repeat it', () => {
      const dir = tempDir('dossier-tagged-')
      const rows = Array.from({ length: 150 }, (_, row) => `| Row ${row + 1} | Value ${row + 1} in words |`)
      writeFileSync(path.join(dir, 'long.md'), ['# A long table', '', '| Name | Value |', '| --- | --- |', ...rows, ''].join('\n'))
      expect(cli(['build', path.join(dir, 'long.md'), '--out', dir, '--format', 'pdf']).status).toBe(0)
      const long = path.join(dir, 'long.pdf')
      const drawn = spawnSync('pdftotext', [long, '-'], { encoding: 'utf8' }).stdout.split('\n').filter((line) => line === 'Name')
      expect(drawn.length).toBeGreaterThan(2)
      const table = all(structure(long)).find((element) => element.role === 'Table')!
      expect(table.children.filter((row) => row.children.some((cell) => cell.role === 'TH')).map((row) => row.children.map(text))).toEqual([['name', 'value']])
      expect(table.children).toHaveLength(151)
      expect(unmarkedPainting(long)).toEqual([])
    })

    it('gives the figure its alt text, the Korean passages their language, the note its id', () => {
      const elements = structElements(pdf(tagged, 'fixture/report.pdf'))
      expect(elements.filter((element) => element['/S'] === '/Figure').map((element) => element['/Alt'])).toEqual(['u:A bar chart of incidents by year'])
      expect(elements.filter((element) => element['/S'] === '/Note').map((element) => element['/ID'])).toEqual(['u:dossier-footnote-1'])
      const spans = all(document).filter((element) => element.role === 'Span')
      expect(spans.map(text)).toEqual(['한국어 단락', '통일부', '북한의 사이버 작전은 전략적 맥락에서 이해되어야 한다'])
      expect(elements.filter((element) => element['/S'] === '/Span').map((element) => element['/Lang'])).toEqual(['u:ko-KR', 'u:ko-KR', 'u:ko-KR'])
    })

    it('puts the footnote’s mark in a link inside its paragraph and the note, whole, after that paragraph', () => {
      const paragraph = document.children.find((element) => element.role === 'P' && text(element).startsWith('the opening paragraph'))!
      expect(paragraph.children.map((child) => `${child.role} ${text(child)}`)).toEqual(['Link 1'])
      const note = document.children[document.children.indexOf(paragraph) + 1]
      expect(note).toMatchObject({ role: 'Note', id: 'dossier-footnote-1' })
      expect(text(note)).toBe(normalize('1 Example Institute, A Report on Sources (2020), p. 4.'))
    })

    it('nests a list in the item that holds it', () => {
      const [ordered, bullets] = document.children.filter((element) => element.role === 'L')
      const first = ordered.children[0]
      expect(text(first.children[0])).toBe('1.')
      const inner = first.children[1].children.find((element) => element.role === 'L')!
      expect(inner.children.map((item) => text(item))).toEqual(['a. a lettered sub-point.', 'b. another lettered sub-point.'])
      expect(bullets.children.map((item) => text(item.children[1]))).toEqual(["a bullet with a link to the chart's source", 'another bullet'])
      expect(all(bullets).some((element) => element.role === 'Link')).toBe(true)
    })
  })

  describe('the memos', () => {
    it('read as the memo: title, header table, headings, the bottom line, lists of findings and recommendations', () => {
      for (const name of printed.filter((name) => name.startsWith('memos/'))) {
        const memo = structure(pdf(tagged, name))
        const roles = memo.children.map((element) => element.role)
        // The handling marking, when there is one, is read first; the title is the first heading.
        const title = roles.indexOf('H1')
        expect(title, name).toBeLessThanOrEqual(1)
        expect(text(memo.children[title])).toBe('memorandum')
        const header = memo.children[roles.indexOf('Table')]
        expect(roles.indexOf('Table'), name).toBeGreaterThan(title)
        expect(header.children.map((row) => row.children.map((cell) => cell.role)), name).toEqual(header.children.map(() => ['TH', 'TD']))
        expect(roles.filter((role) => role === 'H2').length, name).toBeGreaterThanOrEqual(2)
        const lists = memo.children.filter((element) => element.role === 'L')
        expect(lists.length, name).toBeGreaterThanOrEqual(1)
        for (const item of lists.flatMap((list) => list.children)) expect(item.children.map((child) => child.role), name).toEqual(['Lbl', 'LBody'])
        // The memo's words are all in the structure, once: its rules, and the marking repeated at the foot, are artifacts.
        // (pdftotext joins a word hyphenated at a line's end: hyphens are left out of both.)
        const marking = title === 1 ? text(memo.children[0]) : ''
        const words = (value: string) => normalize(value).split(marking).join('').replace(/[\s-]/g, '')
        expect(words(text(memo)), name).toBe(words(spawnSync('pdftotext', [pdf(tagged, name), '-'], { encoding: 'utf8' }).stdout))
      }
    })
  })
})
