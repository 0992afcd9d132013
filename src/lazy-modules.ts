import Module from 'node:module'
import path from 'node:path'

/**
 * Modules that a dependency loads as it starts and a build seldom calls,
 * by the package that loads them: each is loaded when it is first used
 * instead (every property asked of it, every call, goes to the module then
 * loaded). A build of every edition of report.md uses none of them (1.60 →
 * 1.57 s, medians of eight alternating runs). `unicode-properties`, which
 * fontkit loads too, is used by every glyph it reads.
 */
const lazily: Record<string, string> = {
  // WOFF2 fonts (dossier gives fontkit TTF): brotli builds its 120 KB dictionary as it loads, some 35 ms.
  'brotli/decompress.js': 'fontkit',
  // Encryption, which dossier never asks PDFKit for: AES's tables and SHA-2, some 20 ms.
  '@noble/ciphers/aes': 'pdfkit',
  '@noble/hashes/sha2': 'pdfkit',
  '@noble/hashes/utils': 'pdfkit'
}

/** Load the modules above when first used, in this process. */
export function loadLazily(): void {
  const internal = Module as unknown as { _load(request: string, parent: NodeJS.Module | undefined, isMain: boolean): unknown }
  const load = internal._load
  internal._load = function (request, parent, isMain) {
    const by = lazily[request]
    if (by === undefined || !parent || !insidePackage(parent.filename, by)) return load.call(this, request, parent, isMain)
    let loaded: object | undefined
    const module = () => (loaded ??= load.call(this, request, parent, isMain) as object)
    // A function as the target, so that a module that is one (brotli's) can be called.
    return new Proxy(() => undefined, {
      apply: (_, self, args) => Reflect.apply(module() as (...args: unknown[]) => unknown, self, args),
      get: (_, key) => Reflect.get(module(), key),
      has: (_, key) => Reflect.has(module(), key)
    })
  }
}

const insidePackage = (file: string, name: string) => file.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}`)
