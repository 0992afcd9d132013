import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import type { VFile } from 'vfile'
import { displayPath } from '../../message.js'
import { parseYamlSource, type YamlSource } from '../../yaml-source.js'
import { templateProblem } from './problems.js'
import { Fields, isRecord } from './read-fields.js'
import type { MemoDefinition } from './types.js'

/** How many of its first recommendations a memo's composed ask names, unless its definition says. */
const defaultAsks = 2

const definitionKeys = ['id', 'report', 'to', 'from', 'subject', 'date', 'letterhead', 'classification', 'contact', 'framing', 'bottom_line', 'findings', 'select']

/** Where the memo definitions of the report `source` live: `memos/` beside it. */
export function memoDefinitionsFolder(source: string): string {
  return path.join(path.dirname(source), 'memos')
}

/**
 * The memo definitions of the report `source`: the `*.yaml` files in
 * `memos/` beside it, in file-name order, that name this report with
 * `report:` (its file name without extension) or name none; all of them,
 * or only the one with id `only`. A definition that names another report
 * is not checked, so one report's memos never fail another's build; one
 * whose YAML does not parse could be anyone's and is an error. Problems go
 * on `file`, each at the definition's file, line and column. A report with
 * no definitions gets a note (`memo-none`), not an error.
 */
export async function loadMemoDefinitions(file: VFile, source: string, only?: string): Promise<MemoDefinition[]> {
  const folder = memoDefinitionsFolder(source)
  const report = path.parse(source).name
  const readable: MemoDefinition[] = []
  let found = 0
  for (const name of await yamlFiles(folder)) {
    const definitionPath = path.join(folder, name)
    const yaml = parseYamlSource(await readFile(definitionPath, 'utf8'))
    if (isRecord(yaml.value) && typeof yaml.value.report === 'string' && yaml.value.report !== report) continue
    found++
    const definition = readMemoDefinition(file, definitionPath, yaml)
    if (!definition) continue
    // Two definitions with one id would write the same files.
    const first = readable.find((other) => other.id === definition.id)
    if (first) templateProblem(file, definitionPath, `Duplicate memo id \`${definition.id}\`, expected each of this report’s memos to have its own (\`${path.basename(first.path)}\` has it)`, definition.places.get('id'), 'memo-template-field')
    else readable.push(definition)
  }
  const definitions = only === undefined ? readable : readable.filter((definition) => definition.id === only)
  const shown = `${displayPath(folder)}${path.sep}`
  if (only !== undefined && definitions.length === 0) {
    const expected = readable.length > 0 ? `expected one of ${readable.map((definition) => `\`${definition.id}\``).join(', ')}` : `expected a definition with that id in \`${shown}\`, where this report has none`
    templateProblem(file, folder, `Unknown memo \`${only}\`, ${expected}`, undefined, 'memo-template-unknown')
  } else if (found === 0) {
    file.info(`No memo definitions for this report in \`${shown}\`, so no memo: a file \`ID.yaml\` there makes one`, { ruleId: 'memo-none', source: 'dossier-memo' })
  }
  return definitions
}

/** The YAML files of a folder, sorted; none when there is no folder. */
async function yamlFiles(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder)).filter((name) => /\.ya?ml$/.test(name)).sort()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

/** Check one definition; undefined when it cannot be read at all. */
function readMemoDefinition(file: VFile, definitionPath: string, source: YamlSource): MemoDefinition | undefined {
  for (const error of source.errors) templateProblem(file, definitionPath, error.reason, error.place, 'memo-template-syntax')
  if (source.errors.length > 0) return undefined
  if (!isRecord(source.value)) {
    templateProblem(file, definitionPath, 'Unexpected memo definition, expected a mapping of fields (`id`, `to`, `from`, `subject`, …)', undefined, 'memo-template-field')
    return undefined
  }
  const fields = new Fields(source.value, source.places, (reason, key) =>
    templateProblem(file, definitionPath, reason, fields.placeOf(key), 'memo-template-field')
  )
  fields.onlyKeys('', definitionKeys)
  const id = fields.string('id', path.parse(definitionPath).name)
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) templateProblem(file, definitionPath, `Unexpected memo id \`${id}\`, expected lowercase letters, digits and hyphens`, fields.placeOf('id'), 'memo-template-field')
  const to = fields.string('to')
  // Checked for its kind only: which report a definition belongs to was settled when it was read.
  fields.optionalString('report')
  return {
    id,
    path: definitionPath,
    to,
    from: fields.string('from'),
    subject: fields.string('subject'),
    date: fields.optionalString('date'),
    letterhead: fields.optionalString('letterhead'),
    classification: fields.optionalString('classification'),
    contact: fields.optionalString('contact'),
    bottomLine: readBottomLine(file, definitionPath, fields, to),
    findings: readFindings(fields),
    select: readSelect(fields),
    places: source.places
  }
}

function readBottomLine(file: VFile, definitionPath: string, fields: Fields, to: string): MemoDefinition['bottomLine'] {
  fields.onlyKeys('bottom_line', ['to', 'asks', 'text', 'quote', 'section', 'sentences'])
  // `framing` came before the report's sentences; the memo's own words now open the bottom line as `text`.
  const framing = fields.optionalString('framing')
  if (framing !== undefined) {
    templateProblem(file, definitionPath, 'Deprecated `framing`, expected `bottom_line.text`: the memo’s own words, which open its bottom line in place of the composed ask', fields.placeOf('framing'), 'memo-template-deprecated', { fatal: false })
  }
  const quoted = fields.get('bottom_line.quote')
  const key = (index: number) => (Array.isArray(quoted) ? `bottom_line.quote.${index}` : 'bottom_line.quote')
  const openings = fields.strings('bottom_line.quote', 'the opening words of a sentence of the report')
  openings.forEach((opening, index) => {
    if (opening.trim() === '') fields.complain('Missing words in `bottom_line.quote`, expected the opening words of a sentence of the report', key(index))
  })
  return {
    to: fields.string('bottom_line.to', to),
    asks: fields.number('bottom_line.asks', defaultAsks, (value) => Number.isInteger(value) && value >= 0, 'a whole number'),
    text: fields.optionalString('bottom_line.text') ?? framing,
    quotes: openings.flatMap((opening, index) => (opening.trim() === '' ? [] : [{ opening, key: key(index) }])),
    section: fields.optionalString('bottom_line.section'),
    sentences: fields.has('bottom_line.sentences') ? fields.numbers('bottom_line.sentences', []) : undefined
  }
}

/** `findings: 3`, or `findings: {count, themes, ids}`. */
function readFindings(fields: Fields): MemoDefinition['findings'] {
  if (typeof fields.get('findings') === 'number' || !fields.has('findings')) {
    return { count: fields.number('findings', 0, Number.isInteger, 'a whole number'), themes: [], ids: [] }
  }
  fields.onlyKeys('findings', ['count', 'themes', 'ids'])
  const count = fields.has('findings.count') ? fields.number('findings.count', 0, Number.isInteger, 'a whole number') : undefined
  return { count, themes: fields.strings('findings.themes'), ids: fields.strings('findings.ids') }
}

function readSelect(fields: Fields): MemoDefinition['select'] {
  fields.onlyKeys('select', ['audiences', 'themes', 'ids', 'order'])
  const select = { audiences: fields.strings('select.audiences'), themes: fields.strings('select.themes'), ids: fields.strings('select.ids'), order: fields.strings('select.order') }
  if (select.audiences.length + select.themes.length + select.ids.length === 0) {
    fields.complain('Missing recommendations to select, expected `select` with `audiences`, `themes` or `ids`', 'select')
  }
  return select
}
