import type { Root } from 'mdast'
import type { VFile } from 'vfile'
import { reportData } from '../../pipeline.js'
import type { Renderer, RenderContext } from '../../types.js'

/** `NAME.json`: the front matter, outline and items, as `schema/report.schema.json` describes. */
export const renderer: Renderer = {
  format: 'json',
  description: 'the report’s structured content (findings, objectives, recommendations) as JSON',
  async render(_tree: Root, file: VFile, context: RenderContext) {
    return [{ path: `${context.name}.json`, data: JSON.stringify(reportData(file), null, 2) + '\n', title: 'Data' }]
  }
}
