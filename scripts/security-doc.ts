// Rewrites the generated tables in docs/security.md from rolePermissions and the access matrix.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DOC_BLOCKS, renderPermissionMatrix, replaceBlock } from '@/lib/auth/permission-doc';
import { renderAccessTable } from '@/app/api/v1/access-matrix';

const file = path.resolve(import.meta.dirname, '../docs/security.md');
let doc = readFileSync(file, 'utf8');
doc = replaceBlock(doc, DOC_BLOCKS.permissions, renderPermissionMatrix());
doc = replaceBlock(doc, DOC_BLOCKS.routes, renderAccessTable());
writeFileSync(file, doc);
console.log(`updated ${file}`);
