import type { VFile } from 'vfile'
import { templateProblem } from './problems.js'
import { Fields, isRecord } from './read-fields.js'
import type { MemoLayout } from './types.js'
import { resolveTokens, type Design } from '../../design.js'
import { readTemplate, templateFile, type TemplateLayers } from '../../templates.js'
import { parseYamlSource, placeAt } from '../../yaml-source.js'

/**
 * Floors no layout may go below, whatever `layout.yaml` says: a memo that
 * needs smaller type or margins to fit is a memo that says too much.
 */
const floors = { margin: '0.75in', type: '10pt' }

/** Points per unit. */
const pointsPer: Record<string, number> = { pt: 1, in: 72, mm: 72 / 25.4, cm: 72 / 2.54 }

/** `0.75in` → 54. */
function toPoints(length: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(pt|in|mm|cm)\s*$/.exec(length)
  return match ? Number(match[1]) * pointsPer[match[2]] : undefined
}

/** Read the template `memo/layout.yaml` (from the highest layer that has it, whole); undefined (with messages on `file`) when it is wrong. */
export async function loadMemoLayout(file: VFile, templates: TemplateLayers, design: Design): Promise<MemoLayout | undefined> {
  const layoutPath = templateFile(templates, 'memo/layout.yaml')
  const source = parseYamlSource(readTemplate(layoutPath))
  let failed = source.errors.length > 0
  for (const error of source.errors) templateProblem(file, layoutPath, error.reason, error.place, 'memo-layout')
  if (failed || !isRecord(source.value)) return undefined
  // Faces and colours name the house design's (`{color.heading}`), as the report's templates do.
  const tokens = resolveTokens(source.value, design)
  for (const { path: keys, token } of tokens.unknown) {
    failed = true
    templateProblem(file, layoutPath, `Unknown design token \`${token}\` at \`${keys.join('.')}\`, expected one that templates/design.json has (\`{color.heading}\`)`, placeAt(source.places, keys.join('.')), 'memo-layout')
  }
  const fields = new Fields(tokens.value, source.places, (reason, key) => {
    failed = true
    templateProblem(file, layoutPath, reason, fields.placeOf(key), 'memo-layout')
  })
  const layout = readLayout(fields, layoutPath)
  return failed ? undefined : layout
}

function readLayout(fields: Fields, layoutPath: string): MemoLayout {
  const length = lengthReader(fields)
  const margin = (side: string) => length(`page.margins.${side}`, floors.margin)
  const type = (key: string) => length(`type.${key}`, floors.type)
  const text = (key: string) => fields.string(`text.${key}`)
  return {
    path: layoutPath,
    page: {
      width: length('page.width'),
      height: length('page.height'),
      margins: { top: margin('top'), right: margin('right'), bottom: margin('bottom'), left: margin('left') }
    },
    fit: {
      reserve: length('fit.reserve'),
      minFindings: fields.number('fit.minFindings', 0, isCount, 'a whole number'),
      sentences: fields.number('fit.sentences', 1, isCount, 'a whole number')
    },
    faces: { body: fields.string('faces.body'), heading: fields.string('faces.heading') },
    type: {
      title: type('title'),
      header: type('header'),
      heading: type('heading'),
      body: type('body'),
      closing: type('closing'),
      banner: type('banner'),
      leading: fields.number('type.leading', 1, (value) => value >= 1, 'a ratio of at least 1'),
      tracking: length('type.tracking')
    },
    space: {
      afterTitle: length('space.afterTitle'),
      headerRow: length('space.headerRow'),
      afterHeader: length('space.afterHeader'),
      beforeHeading: length('space.beforeHeading'),
      afterHeading: length('space.afterHeading'),
      item: length('space.item'),
      beforeClosing: length('space.beforeClosing'),
      rule: length('space.rule'),
      banner: length('space.banner'),
      headerLabel: length('space.headerLabel'),
      itemLabel: length('space.itemLabel'),
      bullet: length('space.bullet')
    },
    colors: { text: color(fields, 'colors.text'), rule: color(fields, 'colors.rule'), heading: color(fields, 'colors.heading'), muted: color(fields, 'colors.muted') },
    text: {
      title: text('title'),
      to: text('to'),
      from: text('from'),
      date: text('date'),
      subject: text('subject'),
      contact: text('contact'),
      bottomLine: text('bottomLine'),
      findings: text('findings'),
      recommendations: text('recommendations'),
      bullet: text('bullet'),
      number: text('number'),
      reference: text('reference'),
      askClauses: text('askClauses'),
      askSentences: text('askSentences'),
      closing: text('closing'),
      closingNoUrl: text('closingNoUrl')
    }
  }
}

function isCount(value: number): boolean {
  return Number.isInteger(value) && value >= 0
}

/** A reader of lengths in points, refusing any below `floor`. */
function lengthReader(fields: Fields) {
  return (key: string, floor?: string): number => {
    const written = fields.string(key, '0pt')
    const points = toPoints(written)
    if (points === undefined) {
      fields.complain(`Unexpected length \`${written}\` for \`${key}\`, expected a number with a unit (pt, in, mm, cm)`, key)
      return 0
    }
    const minimum = floor === undefined ? 0 : toPoints(floor)!
    if (points < minimum) fields.complain(`Unexpected \`${key}\` of ${written}, expected at least ${floor}`, key)
    return Math.max(points, minimum)
  }
}

function color(fields: Fields, key: string): string {
  const value = fields.string(key, '#000000')
  if (!/^#[0-9a-fA-F]{6}$/.test(value)) fields.complain(`Unexpected color \`${value}\` for \`${key}\`, expected \`#rrggbb\``, key)
  return value
}
