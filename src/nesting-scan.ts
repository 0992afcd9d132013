import type { Point } from './types.js'

/**
 * Markdown's parser takes time that grows with the square of nesting depth
 * (10,000 lists nested on one line take minutes), so a source is scanned
 * for depth before it is parsed. The scan errs high: it counts container
 * markers and indentation at the start of each line, and emphasis and link
 * openers not yet closed in a paragraph. The exact depth is checked on the
 * tree (`remarkLimits`); this only keeps the parser out of sources far
 * deeper than that limit.
 *
 * Returns where the estimate first goes over `limit`, or undefined.
 */
export function scanNesting(text: string, limit: number): Point | undefined {
  let open = 0
  let fence: string | undefined
  let line = 1
  for (let start = 0; start <= text.length; line++) {
    const end = nextLineEnd(text, start)
    const content = text.slice(start, end)
    const fenceMark = /^ {0,3}(`{3,}|~{3,})/.exec(content)?.[1]
    if (fence) {
      if (fenceMark?.startsWith(fence)) fence = undefined
    } else if (fenceMark) {
      fence = fenceMark.slice(0, 3)
    } else if (content.trim() === '') {
      open = 0
    } else {
      const column = containerOver(content, limit)
      if (column !== undefined) return point(line, column, start)
      const inline = inlineDepth(content, open, limit)
      if (inline.over !== undefined) return point(line, inline.over + 1, start)
      open = inline.open
    }
    start = end + (text.startsWith('\r\n', end) ? 2 : 1)
  }
  return undefined
}

function nextLineEnd(text: string, from: number): number {
  for (let index = from; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code === 10 || code === 13) return index
  }
  return text.length
}

function point(line: number, column: number, lineStart: number): Point {
  return { line, column, offset: lineStart + column - 1 }
}

/**
 * Block quote and list markers at a line's start, on top of half its
 * indentation (each list level indents at least two columns): the column
 * of the marker that goes over `limit`, if one does.
 */
function containerOver(content: string, limit: number): number | undefined {
  const indent = /^[ \t]*/.exec(content)![0]
  let depth = Math.floor(indent.replace(/\t/g, '    ').length / 2)
  if (depth > limit) return indent.length + 1
  const marker = /^[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))/
  let rest = content
  for (let match = marker.exec(rest); match; match = marker.exec(rest)) {
    if (++depth > limit) return content.length - rest.length + match[0].length - match[0].trimStart().length + 1
    rest = rest.slice(match[0].length)
  }
  return undefined
}

const delimiter = /[*_~]/
const whitespace = /\s/
const punctuation = /[\p{P}\p{S}]/u

/**
 * Openers not yet closed after this line: `[` opens and `]` closes; a run
 * of `*`, `_` and `~` opens as many levels as it is long when it can only
 * open (CommonMark's left-flanking) and closes as many when it can only
 * close. `over` is the column where the count first passes the limit.
 */
function inlineDepth(content: string, open: number, limit: number): { open: number; over?: number } {
  for (let index = 0; index < content.length; index++) {
    const char = content[index]
    if (char === '\\') {
      index++
    } else if (char === '[') {
      if (++open > limit) return { open, over: index }
    } else if (char === ']') {
      open = Math.max(0, open - 1)
    } else if (delimiter.test(char)) {
      let end = index
      while (end < content.length && delimiter.test(content[end])) end++
      const before = content[index - 1] ?? ' '
      const after = content[end] ?? ' '
      const opens = !whitespace.test(after) && (!punctuation.test(after) || whitespace.test(before) || punctuation.test(before))
      const closes = !whitespace.test(before) && (!punctuation.test(before) || whitespace.test(after) || punctuation.test(after))
      if (opens && !closes) open += end - index
      else if (closes && !opens) open = Math.max(0, open - (end - index))
      if (open > limit) return { open, over: index }
      index = end - 1
    }
  }
  return { open }
}
