import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Converting editions with LibreOffice and reading PDFs back takes seconds.
    testTimeout: 120_000,
    hookTimeout: 180_000
  }
})
