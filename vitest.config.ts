import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['language/**/*.test.ts', 'compiler/**/*.test.ts', 'runtime/**/*.test.ts', 'lsp/**/*.test.ts', 'cli/**/*.test.ts', 'spec/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'tmp/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
