import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['language/**/*.test.ts', 'compiler/**/*.test.ts', 'runtime/**/*.test.ts', 'lsp/**/*.test.ts', 'cli/**/*.test.ts', 'spec/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'tmp/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default leaves one core idle; most files wait on child processes, servers and
    // Redis, so two workers on this 2-core machine cut the suite from ~8 to ~5.5 minutes.
    maxWorkers: 2,
  },
});
