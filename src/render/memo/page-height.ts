/**
 * The height in points of a PDF's last page, from its `/MediaBox`, which
 * PDFKit writes uncompressed. The fit lays the memo out on one page as tall
 * as its content to measure how far it runs over.
 */
export function lastPageHeight(pdf: Uint8Array): number {
  const text = Buffer.from(pdf).toString('latin1')
  const boxes = [...text.matchAll(/\/MediaBox \[\s*[\d.]+\s+[\d.]+\s+[\d.]+\s+([\d.]+)\s*\]/g)]
  const last = boxes.at(-1)
  return last ? Number(last[1]) : 0
}
