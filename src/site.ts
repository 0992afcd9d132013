import { readdir } from 'node:fs/promises'
import path from 'node:path'
import Mustache from 'mustache'
import { VFile } from 'vfile'
import { failed, renderReport, writeAll, type BuildOptions, type RenderedReport } from './build.js'
import { designCss, loadDesign } from './design.js'
import { familiesNamedIn, webFontFaces } from './fonts.js'
import { byteSize, displayDate, escapeHtml, formatName, formatSize, isReportFile, relativeHref } from './format.js'
import { problem } from './message.js'
import { inlineNpmUrls } from './render/html/inline-assets.js'
import { isFolder, readTemplate, templateFile, templateLayers, type TemplateLayers } from './templates.js'
import type { EditionFile, OutputFile } from './types.js'

export interface SiteResult {
  /** One vfile per report, with its problems. */
  files: VFile[]
  /** Paths written, relative to the working folder. Empty when the build failed. */
  written: string[]
}

/** The site's front page: it lists every file of the build. */
const indexPath = 'index.html'

/**
 * Build a site: every edition of one report, or of each report in a
 * folder (each in a folder of its own, `NAME/`), and an `index.html` that
 * lists every file with its format, size and date. Links are relative, so
 * the site works from the folder (file://) and under any sub-path a host
 * serves it from. All reports are rendered before anything is written: one
 * failed report leaves the whole previous site as it was.
 */
export async function buildSite(options: BuildOptions & { source: string }): Promise<SiteResult> {
  const sources = await siteSources(options.source)
  if (!sources) return { files: [noReportIn(options.source)], written: [] }
  const reports: Array<RenderedReport & { folder: string }> = []
  for (const source of sources.files) {
    const rendered = await renderReport({ ...options, source })
    const name = path.basename(source, path.extname(source))
    if (!sources.folder && name === path.parse(indexPath).name) {
      problem(rendered.file, `Unexpected report named \`${name}\` in a site, expected another name: its web edition would replace the site’s \`${indexPath}\``, undefined, 'site-index-name')
    }
    reports.push({ ...rendered, folder: sources.folder ? name : '' })
  }
  const files = reports.map((report) => report.file)
  if (options.check || files.some((file) => failed(file, options.strict))) return { files, written: [] }

  const outputs: OutputFile[] = reports.flatMap((report) =>
    report.editions.map((edition) => ({ ...edition, path: path.posix.join(report.folder, edition.path) }))
  )
  // The reports share a folder, and so the templates beside it.
  outputs.push({ path: indexPath, data: await siteIndex(reports, templateLayers(sources.files[0], options.templatesDir)) })
  return { files, written: await writeAll(files[0], options.outDir ?? 'out', outputs) }
}

/**
 * The sources a site is built from: the one file, or each Markdown file
 * directly in a folder (but its README.md), by name. Undefined for a
 * folder without any.
 */
async function siteSources(source: string): Promise<{ files: string[]; folder: boolean } | undefined> {
  if (!isFolder(source)) return { files: [source], folder: false }
  const names = (await readdir(source)).filter(isReportFile).sort()
  return names.length > 0 ? { files: names.map((name) => path.join(source, name)), folder: true } : undefined
}

function noReportIn(folder: string): VFile {
  const file = new VFile({ path: folder })
  problem(file, 'Cannot find a report in the folder, expected one or more Markdown files (`*.md`)', undefined, 'source-unreadable')
  return file
}

/** Whether a file sits at its report's top level (an edition) or in a folder of its own (a memo). */
function isEdition(file: EditionFile): boolean {
  return !file.path.includes('/')
}

/** `index.html`, from `templates/site/index.html` (Mustache) and `style.css` beside it, inlined. */
async function siteIndex(reports: Array<RenderedReport & { folder: string }>, templates: TemplateLayers): Promise<string> {
  const page = readTemplate(templateFile(templates, 'site/index.html'))
  const style = readTemplate(templateFile(templates, 'site/style.css'))
  // The house design as custom properties, then the page's own stylesheet;
  // a problem in the design is the renderers' to report.
  const design = await loadDesign(new VFile(), templates)
  const css = `${design ? designCss(design) : ''}\n${style}`
  const listed = reports.map((report) => {
    const meta = report.file.data.meta!
    const date = displayDate(meta.date, meta.language)
    const rows = (files: EditionFile[]) =>
      files.map((file) => {
        const href = relativeHref(indexPath, path.posix.join(report.folder, file.path))
        return { title: file.title ?? file.format, href, format: formatName(file.path), size: formatSize(byteSize(file.data)), date: file.date ?? date }
      })
    const web = report.editions.find((file) => isEdition(file) && file.path.endsWith('.html'))
    return {
      meta,
      date,
      authors: meta.authors.join(', '),
      href: web && relativeHref(indexPath, path.posix.join(report.folder, web.path)),
      // The web edition, which the title links, first.
      editions: rows([...(web ? [web] : []), ...report.editions.filter((file) => isEdition(file) && file !== web)]),
      memos: rows(report.editions.filter((file) => !isEdition(file)))
    }
  })
  // The newest report first, as a series is read; undated ones last.
  listed.sort((a, b) => (b.meta.date ?? '').localeCompare(a.meta.date ?? '') || a.meta.title.localeCompare(b.meta.title))
  const view = {
    language: listed[0]?.meta.language ?? 'en',
    // One report: the site is its own; several: the template names the series.
    single: listed.length === 1 ? listed[0].meta : undefined,
    reports: listed,
    style: await inlineNpmUrls(`${webFontFaces(templates, familiesNamedIn(templates, css))}\n${css}`)
  }
  return Mustache.render(page, view, {}, { escape: escapeHtml })
}
