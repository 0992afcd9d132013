import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import type { VFile } from 'vfile'
import { templateProblem } from './problems.js'
import { Fields, isRecord } from './read-fields.js'
import type { MemoTemplate } from './types.js'
import { parseYamlSource } from '../../yaml-source.js'

/** The section the bottom line is drawn from unless a template names another. */
const defaultBottomLine = { section: 'executive-summary', sentences: [1] }

const templateKeys = ['id', 'to', 'from', 'subject', 'date', 'framing', 'bottom_line', 'findings', 'select']

/**
 * Read the memo templates in `templates/memos/`, in file-name order: all of
 * them, or only the one with id `only`. Problems go on `file`, each naming
 * the template's file, line and column.
 */
export async function loadMemoTemplates(file: VFile, templatesDir: string, only?: string): Promise<MemoTemplate[]> {
  const dir = path.join(templatesDir, 'memos')
  const names = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort()
  const templates: MemoTemplate[] = []
  for (const name of names) {
    const template = readMemoTemplate(file, path.join(dir, name), await readFile(path.join(dir, name), 'utf8'))
    if (template && (only === undefined || template.id === only)) templates.push(template)
  }
  if (only !== undefined && templates.length === 0) {
    templateProblem(file, dir, `Unknown memo \`${only}\`, expected one of ${names.map((n) => `\`${path.parse(n).name}\``).join(', ')}`, undefined, 'memo-template-unknown')
  }
  return templates
}

/** Parse and check one template; undefined when it cannot be read at all. */
function readMemoTemplate(file: VFile, templatePath: string, text: string): MemoTemplate | undefined {
  const source = parseYamlSource(text)
  for (const error of source.errors) templateProblem(file, templatePath, error.reason, error.place, 'memo-template-syntax')
  if (source.errors.length > 0) return undefined
  if (!isRecord(source.value)) {
    templateProblem(file, templatePath, 'Unexpected memo template, expected a mapping of fields (`id`, `to`, `from`, `subject`, …)', undefined, 'memo-template-field')
    return undefined
  }
  const fields = new Fields(source.value, source.places, (reason, key) =>
    templateProblem(file, templatePath, reason, fields.placeOf(key), 'memo-template-field')
  )
  fields.onlyKeys('', templateKeys)
  const id = fields.string('id', path.parse(templatePath).name)
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) templateProblem(file, templatePath, `Unexpected memo id \`${id}\`, expected lowercase letters, digits and hyphens`, fields.placeOf('id'), 'memo-template-field')
  return {
    id,
    path: templatePath,
    to: fields.string('to'),
    from: fields.string('from'),
    subject: fields.string('subject'),
    framing: fields.optionalString('framing'),
    date: fields.optionalString('date'),
    bottomLine: readBottomLine(fields),
    findings: readFindings(fields),
    select: readSelect(fields),
    places: source.places
  }
}

function readBottomLine(fields: Fields): MemoTemplate['bottomLine'] {
  fields.onlyKeys('bottom_line', ['section', 'sentences'])
  return {
    section: fields.string('bottom_line.section', defaultBottomLine.section),
    sentences: fields.numbers('bottom_line.sentences', defaultBottomLine.sentences)
  }
}

/** `findings: 3`, or `findings: {count, themes, ids}`. */
function readFindings(fields: Fields): MemoTemplate['findings'] {
  if (typeof fields.get('findings') === 'number' || !fields.has('findings')) {
    return { count: fields.number('findings', 0, Number.isInteger, 'a whole number'), themes: [], ids: [] }
  }
  fields.onlyKeys('findings', ['count', 'themes', 'ids'])
  const count = fields.has('findings.count') ? fields.number('findings.count', 0, Number.isInteger, 'a whole number') : undefined
  return { count, themes: fields.strings('findings.themes'), ids: fields.strings('findings.ids') }
}

function readSelect(fields: Fields): MemoTemplate['select'] {
  fields.onlyKeys('select', ['audiences', 'themes', 'ids'])
  const select = { audiences: fields.strings('select.audiences'), themes: fields.strings('select.themes'), ids: fields.strings('select.ids') }
  if (select.audiences.length + select.themes.length + select.ids.length === 0) {
    fields.complain('Missing recommendations to select, expected `select` with `audiences`, `themes` or `ids`', 'select')
  }
  return select
}
