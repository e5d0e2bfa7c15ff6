import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['{lib,db,server,app,bench,cli,sim,scripts,test}/**/*.test.ts'],
    setupFiles: ['./test/setup.ts'],
    pool: 'forks',
    server: { deps: { inline: ['next-auth', '@auth/core'] } },
    // Integration tests each get their own database; two at a time suits 2 cores.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
