import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderAccessTable } from '@/app/api/v1/access-matrix';
import { blockOf, DOC_BLOCKS, renderPermissionMatrix } from './permission-doc';

const doc = readFileSync(path.resolve(import.meta.dirname, '../../docs/security.md'), 'utf8');

// If one of these fails, run `npm run docs:security` and review the diff of docs/security.md.
describe('docs/security.md stays in step with the code', () => {
  it('shows the permission matrix exactly as rolePermissions defines it', () => {
    expect(blockOf(doc, DOC_BLOCKS.permissions)).toBe(renderPermissionMatrix());
  });

  it('shows the route access table exactly as the access matrix (tested per role) defines it', () => {
    expect(blockOf(doc, DOC_BLOCKS.routes)).toBe(renderAccessTable());
  });
});
