// The robustness corpus: every CommonMark spec example, GFM's extensions,
// and generated hard cases. Each case is a folder of files with `input.md`.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { deflateSync } from 'node:zlib'

const require = createRequire(import.meta.url)
const frontMatter = (title) => `---\ntitle: ${title}\n---\n\n`

/** CommonMark's 652 examples, each below a front matter (dossier requires a title). */
export function commonmarkCases() {
  const { tests } = require('commonmark-spec')
  return tests.map((test) => ({
    name: `commonmark-${test.number}`,
    section: test.section,
    // The spec writes tabs as →.
    files: { 'input.md': frontMatter(`Example ${test.number}`) + test.markdown.replaceAll('→', '\t') }
  }))
}

/** GFM's extensions: tables, task lists, strikethrough, autolinks, footnotes. */
const gfm = {
  'table-basic': '| foo | bar |\n| --- | --- |\n| baz | bim |\n',
  'table-align': '| abc | defghi |\n:-: | -----------:\nbar | baz\n',
  'table-escaped-pipe': '| f\\|oo  |\n| ------ |\n| b `\\|` az |\n| b **\\|** im |\n',
  'table-interrupted': '| abc | def |\n| --- | --- |\n| bar | baz |\n> bar\n',
  'table-fewer-cells': '| abc | def |\n| --- | --- |\n| bar |\n| bar | baz | boo |\n',
  'table-header-mismatch': '| abc | def |\n| --- |\n| bar |\n',
  'table-empty-body': '| abc | def |\n| --- | --- |\n',
  'table-inline': '| a | b |\n| - | - |\n| *em* [link](https://example.org) `code` | ~~gone~~ ![alt](missing.png) |\n',
  'table-in-list': '- item\n\n  | a | b |\n  | - | - |\n  | 1 | 2 |\n',
  'table-in-quote': '> | a | b |\n> | - | - |\n> | 1 | 2 |\n',
  'task-list': '- [ ] foo\n- [x] bar\n',
  'task-list-nested': '- [x] foo\n  - [ ] bar\n  - [x] baz\n- [ ] bim\n',
  'strikethrough': '~~Hi~~ Hello, ~there~ world!\n',
  'strikethrough-paragraphs': 'This ~~has a\n\nnew paragraph~~.\n',
  'strikethrough-three': 'This will ~~~not~~~ strike.\n',
  'autolink-www': 'www.commonmark.org/help and www.google.com/search?q=Markup+(business)\n',
  'autolink-url': 'Visit https://encrypted.google.com/search?q=Markup+(business)) or http://commonmark.org.\n',
  'autolink-email': 'foo@bar.baz and hello@mail+xyz.example isn’t valid, but hello+xyz@mail.example is.\n',
  'autolink-trailing': 'www.google.com/search?q=(business))+ok and www.commonmark.org/he<lp\n',
  'autolink-entity': 'www.google.com/search?q=commonmark&hl=en and www.google.com/search?q=commonmark&hl;\n',
  'autolink-protocols': 'mailto:foo@bar.baz xmpp:foo@bar.baz/txt@bin.com\n',
  'footnote-basic': 'Here is a footnote reference,[^1] and another.[^longnote]\n\n[^1]: Here is the footnote.\n\n[^longnote]: Here’s one with multiple blocks.\n\n    Subsequent paragraphs are indented.\n\n        { some.code }\n',
  'footnote-cites-footnote': 'Text.[^a]\n\n[^a]: A note that cites another.[^b]\n\n[^b]: The other note, citing the first.[^a]\n',
  'footnote-self': 'Text.[^a]\n\n[^a]: A note that cites itself.[^a]\n',
  'footnote-unused-and-missing': 'Text.[^missing]\n\n[^unused]: Never cited.\n',
  'footnote-complex': 'Cite.[^x]\n\n[^x]: A note with a list:\n\n    - one\n    - two\n\n    > and a quote\n\n    | a | b |\n    | - | - |\n    | 1 | 2 |\n',
  'footnote-in-heading-table': '# Heading[^h]\n\n| a[^t] |\n| - |\n| b[^t] |\n\n[^h]: On a heading.\n[^t]: In a table.\n',
  'tagfilter': '<strong> <title> <style> <em>\n\n<blockquote>\n  <xmp> is disallowed.  <XMP> is also disallowed.\n</blockquote>\n'
}

export function gfmCases() {
  return Object.entries(gfm).map(([name, markdown]) => ({ name: `gfm-${name}`, section: 'GFM', files: { 'input.md': frontMatter(name) + markdown } }))
}

/** A PNG of the given size, one grey pixel row repeated: small on disk, huge in pixels. */
function png(width, height) {
  const chunk = (type, data) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 0, 0, 0, 0], 8) // 8-bit greyscale
  const row = Buffer.alloc(width + 1, 0x80)
  row[0] = 0
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))])
}

function crc32(bytes) {
  let crc = ~0
  for (const byte of bytes) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1))
  }
  return ~crc >>> 0
}

const repeat = (count, make) => Array.from({ length: count }, (_, index) => make(index + 1)).join('')
const words = (bytes) => 'lorem ipsum dolor sit amet '.repeat(Math.ceil(bytes / 27)).slice(0, bytes)
const table = (columns, rows) =>
  `|${repeat(columns, (c) => ` h${c} |`)}\n|${' --- |'.repeat(columns)}\n` + repeat(rows, (r) => `|${repeat(columns, (c) => ` ${r}.${c} |`)}\n`)

/**
 * Generated hard cases: depth, size, odd bytes and scripts, big tables and
 * images. Those marked `heavy` still take minutes (pdfmake lays out tens of
 * thousands of pages or runs): `--heavy` adds them to a run.
 */
export function hardCases(fixtures) {
  const md = (name, body, extra = {}) => ({ name: `hard-${name}`, section: 'hard', files: { 'input.md': body, ...extra } })
  const heavy = (one) => ({ ...one, heavy: true })
  const titled = (name, body, extra) => md(name, frontMatter(name) + body, extra)
  const photo = readFileSync(new URL('images/photo.jpg', fixtures))
  return [
    titled('nested-list-10000', '- '.repeat(10_000) + 'deep\n'),
    titled('nested-ordered-list-1500', repeat(1500, (i) => `${'   '.repeat(i - 1)}1. level ${i}\n`)),
    titled('nested-list-400', repeat(400, (i) => `${'  '.repeat(i - 1)}- level ${i}\n`)),
    titled('nested-quote-10000', '>'.repeat(10_000) + ' deep\n'),
    titled('nested-quote-3000', '> '.repeat(3000) + 'deep\n'),
    titled('nested-emphasis-10000', '*'.repeat(10_000) + 'deep' + '*'.repeat(10_000) + '\n'),
    titled('nested-emphasis-alternating', '*_'.repeat(5000) + 'deep' + '_*'.repeat(5000) + '\n'),
    titled('nested-links-10000', '['.repeat(10_000) + 'deep' + '](https://example.org/)'.repeat(10_000) + '\n'),
    titled('nested-strikethrough', '~~'.repeat(5000) + 'deep' + '~~'.repeat(5000) + '\n'),
    titled('paragraph-5mb', words(5_000_000) + '\n'),
    heavy(titled('headings-100000', repeat(100_000, (i) => `## Heading ${i}\n\n`))),
    heavy(titled('headings-10000', repeat(10_000, (i) => `# Heading ${i}\n\ntext\n\n`))),
    heavy(titled('heading-100kb', '# ' + words(100_000) + '\n')),
    titled('empty-headings', '#\n##\n###\n\n# Real\n\n##\n'),
    heavy(titled('word-20000', 'a'.repeat(20_000) + '\n')),
    heavy(titled('word-60000', 'b'.repeat(60_000) + '\n')),
    titled('url-20000', `https://example.org/${'c'.repeat(20_000)} and [link](https://example.org/${'d'.repeat(20_000)})\n`),
    heavy(titled('links-50000', repeat(50_000, (i) => `[l${i}](https://example.org/${i}) `) + '\n')),
    heavy(titled('anchors-broken-20000', repeat(20_000, (i) => `[a${i}](#nowhere-${i}) `) + '\n')),
    titled('footnotes-1000', repeat(1000, (i) => `Text.[^n${i}]\n`) + '\n' + repeat(1000, (i) => `[^n${i}]: Note ${i}.\n`)),
    heavy(titled('footnote-references-20000', repeat(20_000, () => 'Cite.[^n] ') + '\n\n[^n]: The note.\n')),
    titled('table-500-columns', table(500, 3)),
    titled('table-300-columns', table(300, 2)),
    titled('table-10000-rows', table(3, 10_000)),
    heavy(titled('table-30000-rows', table(2, 30_000))),
    md('nul-bytes', Buffer.from(frontMatter('nul') + 'Text with \0 NUL \0\0 bytes.\n\n# Head\0ing\n')),
    md('invalid-utf8', Buffer.concat([Buffer.from(frontMatter('utf8') + 'Bytes: '), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc]), Buffer.from(' end.\n')])),
    md('bom', '\uFEFF' + frontMatter('bom') + '# Heading\n\nText.\n'),
    md('crlf', (frontMatter('crlf') + '# Heading\n\nText\nmore.\n\n- a\n- b\n').replaceAll('\n', '\r\n')),
    md('lone-cr', (frontMatter('cr') + '# Heading\n\nText\nmore.\n\n- a\n- b\n').replaceAll('\n', '\r')),
    titled('control-characters', 'C0: \u0001\u0002\u0007\u0008\u000B\u000C\u001B\u001F and DEL \u007F and C1 \u0085\u009B.\n\n# Bell\u0007 heading\n'),
    titled('noncharacters', 'Nonchars: \uFFFE \uFFFF \uFDD0 and a lone surrogate \uD800 end.\n\n| a\uFFFF | b |\n| - | - |\n| \uFFFE | x |\n'),
    titled('rtl-combining', 'العربية مع English و 123.\n\nעברית עם ניקוד: שָׁלוֹם\n\nZ̷̡̛a̶l̵g̸o̴ te\u0301xt, e\u0300\u0301\u0302\u0303\u0304 stacked, \u202Eoverride\u202C.\n'),
    titled('emoji', 'Emoji: 😀 👩‍👩‍👧‍👦 🇰🇷 🏳️‍🌈 ✊🏿 1️⃣ and 𝕄𝕒𝕥𝕙.\n\n# Heading 🎉\n'),
    titled('cjk-mixed', '한국어 文章と日本語のかなカナ、中文汉字 and Latin mixed: 北朝鮮のサイバー작전 2015年.\n\n# 제목 見出し\n'),
    md('empty-file', ''),
    md('front-matter-alone', '---\ntitle: Only front matter\n---\n'),
    md('front-matter-empty-title', '---\ntitle: ""\n---\n\nText.\n'),
    md('title-5mb', `---\ntitle: ${words(5_000_000)}\n---\n\nText.\n`),
    md('yaml-alias-bomb', '---\ntitle: bomb\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n---\n\nText.\n'),
    md('yaml-unresolved-alias', '---\ntitle: *nope\n---\n\nText.\n'),
    md('yaml-custom-tag', '---\ntitle: !!js/function "function(){}"\nkeywords: !custom [a]\n---\n\nText.\n'),
    md('year-2100', '---\ntitle: Future\ndate: 2100-01-01\n---\n\nText.\n'),
    md('year-1970', '---\ntitle: Past\ndate: 1970-06\n---\n\nText.\n'),
    md('date-impossible', '---\ntitle: Odd date\ndate: 2015-13-45\n---\n\nText.\n'),
    titled('image-30000px', '![wide](wide.png)\n', { 'wide.png': png(30_000, 2) }),
    titled('image-truncated-jpeg', '![cut](cut.jpg)\n', { 'cut.jpg': photo.subarray(0, Math.floor(photo.length / 2)) }),
    titled('raw-html-everywhere', '<div>\n\n*md in html*\n\n</div>\n\n<table><tr><td>cell</td></tr></table>\n\nInline <b>bold</b> <span style="color:red">red</span> <!-- comment --> <?php x ?>\n')
  ]
}
