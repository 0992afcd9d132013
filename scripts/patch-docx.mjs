#!/usr/bin/env node
// Run by `npm install` (postinstall): one change to docx's page layout,
// which numbers the Word edition's table of contents.
//
// When docx lists the pages it laid out, it looks for what it guessed at on
// each page by scanning everything placed on every page: pages × placements,
// a quarter of a Word build at 100 copies of the report. This gathers the
// guesses by page in one pass instead; what each page lists, and in what
// order, is unchanged. A docx whose code differs (a newer release) is left
// as it is, with a note: it builds the same, only slower on long reports.
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const scan = 'const guessesOn = (page) => [...new Set(placements.flatMap((placement) => placement.type === "guess" && placement.page === page ? [placement.reason] : []))];'
const byPage =
  'const guessesByPage = /* dossier: gathered once, not per page */ placements.reduce((pages, placement) => placement.type === "guess" ? pages.set(placement.page, (pages.get(placement.page) ?? new Set()).add(placement.reason)) : pages, new Map()); ' +
  'const guessesOn = (page) => [...(guessesByPage.get(page) ?? [])];'

const require = createRequire(import.meta.url)
let dist
try {
  dist = path.dirname(require.resolve('docx/layout'))
} catch {
  process.exit(0) // docx is not installed (yet): nothing to change.
}
for (const name of ['layout.mjs', 'layout.cjs']) {
  const file = path.join(dist, name)
  const code = readFileSync(file, 'utf8')
  if (code.includes(byPage)) continue
  if (!code.includes(scan)) {
    console.warn(`dossier: docx's ${name} is not the one dossier knows; its page layout is left as it is`)
    continue
  }
  writeFileSync(file, code.replace(scan, byPage))
}
