import { copyFile, lstat, mkdir, readdir } from 'node:fs/promises'
import path from 'node:path'

/**
 * Copy a folder of dossier's own (`starter/`, `templates/`) into `target`,
 * never over a file: when any file it would write exists, nothing is
 * written and those files are returned instead.
 */
export async function copyFolder(from: string, target: string): Promise<{ written: string[] } | { existing: string[] }> {
  const files = await filesBelow(from)
  const targets = files.map((file) => path.join(target, file))
  const existing = (await Promise.all(targets.map(async (file) => ((await exists(file)) ? [file] : [])))).flat()
  if (existing.length > 0) return { existing }
  for (const [index, file] of files.entries()) {
    await mkdir(path.dirname(targets[index]), { recursive: true })
    await copyFile(path.join(from, file), targets[index])
  }
  return { written: targets }
}

/** Every file below `folder`, as paths relative to it, in a stable order. */
async function filesBelow(folder: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(folder, prefix), { withFileTypes: true })
  const files = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? filesBelow(folder, path.join(prefix, entry.name)) : entry.isFile() ? [path.join(prefix, entry.name)] : []))
  )
  return files.flat().sort()
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file)
    return true
  } catch {
    return false
  }
}
