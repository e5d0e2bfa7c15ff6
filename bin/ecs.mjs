#!/usr/bin/env node
// `npx ecs …` from the repository: runs the TypeScript CLI through tsx in this process, with the
// repository's tsconfig (for the @/ paths) whatever the current directory is.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
process.env.TSX_TSCONFIG_PATH ??= path.join(root, 'tsconfig.json');
const { register } = await import('tsx/esm/api');
register();
const { main } = await import(pathToFileURL(path.join(root, 'cli/main.ts')).href);
process.exitCode = await main(process.argv.slice(2));
