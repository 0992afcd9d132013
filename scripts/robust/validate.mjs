// Is an edition valid? Read back as a reader's tool would.
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import Ajv from 'ajv'
import { unzipSync } from 'fflate'
import rehypeParse from 'rehype-parse'
import sax from 'sax'
import { unified } from 'unified'
import { VFile } from 'vfile'

const run = promisify(execFile)
const schema = JSON.parse(readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8'))
const validateJson = new Ajv({ allErrors: false }).compile(schema)

/** Why a file is not a valid edition of its format, or undefined when it is. */
export async function invalid(format, file) {
  try {
    if (format === 'pdf') return await invalidPdf(file)
    if (format === 'docx') return invalidDocx(readFileSync(file))
    if (format === 'html') return invalidHtml(readFileSync(file, 'utf8'))
    if (format === 'json') return validateJson(JSON.parse(readFileSync(file, 'utf8'))) ? undefined : JSON.stringify(validateJson.errors?.[0])
    return `unknown format ${format}`
  } catch (error) {
    return String(error).slice(0, 300)
  }
}

async function invalidPdf(file) {
  try {
    await run('qpdf', ['--check', file], { maxBuffer: 64 * 1024 * 1024 })
  } catch (error) {
    return `qpdf --check: ${String(error.stdout || error.message).split('\n').filter((line) => /error|damaged|invalid/i.test(line)).slice(0, 2).join(' ')}`
  }
  const { stdout } = await run('qpdf', ['--show-npages', file])
  return Number(stdout) > 0 ? undefined : 'no pages'
}

function invalidDocx(bytes) {
  const entries = unzipSync(bytes)
  if (!entries['word/document.xml']) return 'no word/document.xml'
  for (const [name, data] of Object.entries(entries)) {
    if (!/\.(xml|rels)$/.test(name)) continue
    const text = new TextDecoder().decode(data)
    const parser = sax.parser(true)
    let failure
    parser.onerror = (error) => {
      failure ??= `${name}: ${error.message.split('\n')[0]}`
      parser.error = null
    }
    parser.write(text).close()
    if (failure) return failure
    // Word and LibreOffice refuse a note that cites a note.
    if (name === 'word/footnotes.xml' && text.includes('<w:footnoteReference')) return 'footnotes.xml cites a footnote'
  }
  return undefined
}

function invalidHtml(text) {
  const file = new VFile(text)
  unified().use(rehypeParse, { emitParseErrors: true }).parse(file)
  const [error] = file.messages
  return error ? `HTML parse error: ${error.reason} at ${error.line}:${error.column}` : undefined
}

/**
 * Open Word files with LibreOffice, as a reader would: one call for all,
 * its own profile so it runs beside other instances. `files` have unique
 * names. Returns those it could not convert, or undefined when LibreOffice
 * is not installed.
 */
export async function unopenableDocx(files, workDir) {
  try {
    await run('soffice', ['--version'])
  } catch {
    return undefined
  }
  const outDir = path.join(workDir, 'libreoffice')
  await run('soffice', [`-env:UserInstallation=file://${workDir}/lo-profile`, '--headless', '--convert-to', 'pdf', '--outdir', outDir, ...files], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 15 * 60 * 1000
  }).catch(() => undefined)
  return files.filter((file) => !existsSync(path.join(outDir, `${path.basename(file, '.docx')}.pdf`)))
}
