import { defineConfig } from 'vitest/config'

// `npm run test:package`: pack dossier and install it as a user would, which
// takes a minute, so it runs apart from `npm test` (.ci/run runs both).
export default defineConfig({
  test: {
    include: ['test/package.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000
  }
})
