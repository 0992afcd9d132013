import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Packing and installing dossier is `npm run test:package`.
    exclude: [...configDefaults.exclude, 'test/package.test.ts'],
    // Converting editions with LibreOffice and reading PDFs back takes seconds.
    testTimeout: 120_000,
    hookTimeout: 180_000
  }
})
