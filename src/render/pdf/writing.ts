import { pdfmakeClass } from './pdfmake-classes.js'

/**
 * PDFKit writes a PDF in small pieces, each made a Buffer of its own: every
 * drawing operator of a page (`Buffer.from(op + '\n', 'binary')`) into the
 * page's content stream, every line of every object into the document's
 * stream, where each waits, one stream chunk apiece, until the file is
 * read at the end. A long report is a few million such pieces: on the
 * report copied 100 times, making and joining them was a twentieth of the
 * PDF's time, and their churn a good part of the garbage collector's.
 *
 * Here text pieces are gathered as text and made bytes once, when a Buffer
 * comes between them or the stream (or the file) is finished. The bytes are
 * PDFKit's, in the same order: `'binary'` (Latin-1) makes one byte of each
 * UTF-16 unit, so a text's length is its length in bytes, and the lengths
 * and offsets PDFKit records are unchanged: the report's PDF, its memos'
 * and every fixture's came out byte for byte as PDFKit's own writing made
 * them.
 */

/** Pieces written so far: runs of text, and bytes. */
class Pieces {
  private readonly chunks: Uint8Array[] = []
  private texts: string[] = []

  /** Add a piece; its length in bytes. */
  add(piece: Uint8Array | string): number {
    if (typeof piece === 'string') {
      this.texts.push(piece)
      return piece.length
    }
    this.flush()
    this.chunks.push(piece)
    return piece.length
  }

  /** Everything written, as one run of bytes; [] when nothing was. */
  take(): Uint8Array[] {
    this.flush()
    return this.chunks.splice(0)
  }

  private flush(): void {
    if (this.texts.length === 0) return
    this.chunks.push(Buffer.from(this.texts.join(''), 'latin1'))
    this.texts = []
  }
}

/** PDFKit's stream of one object (a page's content, a font file). */
interface KitReference {
  data: Record<string, unknown> & { Length?: number }
  compress: boolean
  uncompressedLength: number
  buffer: Uint8Array[] | Buffer
  pieces?: Pieces
  write(chunk: Uint8Array | string): void
  finalize(): void
}

/** PDFKit's document, as far as writing goes. */
interface KitWriter {
  _offset: number
  written?: Pieces
  _write(data: Uint8Array | string): void
  ref(data?: unknown): KitReference
}

/** Install the writing hooks (`print.ts` does, as it loads). */
export function installWriting(): void {
  // pdfmake's document, which extends PDFKit's: the one every edition is made with.
  const documents = pdfmakeClass<{ prototype: KitWriter }>('PDFDocument').prototype
  documents._write = function (data) {
    this._offset += (this.written ??= new Pieces()).add(Buffer.isBuffer(data) ? data : `${data}\n`)
  }
  // PDFKit's references are of a class it does not export: reached through the first one made.
  const ref = documents.ref
  documents.ref = function (...args) {
    const reference = ref.apply(this, args)
    installReferences(Object.getPrototypeOf(reference) as KitReference)
    documents.ref = ref
    return reference
  }
}

function installReferences(references: KitReference): void {
  const finalize = references.finalize
  references.write = function (chunk) {
    const length = (this.pieces ??= new Pieces()).add(chunk instanceof Uint8Array ? chunk : `${chunk}\n`)
    this.uncompressedLength += length
    this.data.Length = (this.data.Length ?? 0) + length
    if (this.compress) this.data.Filter = 'FlateDecode'
  }
  references.finalize = function () {
    if (this.pieces) this.buffer = this.pieces.take()
    return finalize.call(this)
  }
}

/** Everything written to a document so far, in order. */
export function writtenBytes(document: object): Uint8Array[] {
  return (document as KitWriter).written?.take() ?? []
}
