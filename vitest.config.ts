import { defineConfig } from 'vitest/config';

// Files that start processes of their own (the sharehub CLI, an embedded PostgreSQL, a
// redis-server): slow, and rarely what an everyday change touches. `npm run test:e2e` runs them,
// `npm run test:fast` everything else, `npm test` both (CI). See tests/README.md.
const E2E = ['tests/e2e/**/*.test.ts', 'tests/runtime/**/*.test.ts'];

// Given to each project rather than inherited with `extends: true`, which would also inherit the
// global setup and run it once per project: it stays on the root config, so one PostgreSQL and one
// Redis serve the whole run (what the root provides reaches every project).
const perProject = {
  pool: 'forks',
  testTimeout: 30_000,
  hookTimeout: 120_000,
  teardownTimeout: 60_000,
} as const;

export default defineConfig({
  test: {
    globalSetup: ['tests/global-setup.ts'],
    ...perProject,
    // Two cores: more forks only contend (a limit for the whole run, all projects together).
    // Each file has its own database, so files are isolated.
    // `isolate: false` here, for the pool: vitest 3 decides from the root config alone whether a
    // fork may run several files; each project's `isolate` then says whether modules are reset
    // between the files a fork runs.
    poolOptions: { forks: { maxForks: 2, minForks: 1, isolate: false } },
    projects: [
      // isolate: false — a fork evaluates src/ and its libraries (fastify, knex, bullmq, ajv …) once
      // and runs its files one after another in that module graph, instead of evaluating it anew for
      // every file: half the CPU of the project. Files stay independent through their data (each
      // test app has its own database, queue prefix and secret), so tests must not keep mutable
      // module-level state, mock modules (vi.mock) or leave fake timers or env changes behind.
      { test: { name: 'fast', include: ['tests/**/*.test.ts'], exclude: E2E, ...perProject, isolate: false } },
      { test: { name: 'e2e', include: E2E, ...perProject, isolate: true } },
    ],
  },
});
