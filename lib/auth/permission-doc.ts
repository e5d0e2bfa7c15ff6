import { roles } from '@/db/vocabulary';
import { rolePermissions, roleLevels, scopedRoles } from '../permissions/rbac';

/** rolePermissions as a Markdown table: docs/security.md embeds it and a test keeps them equal. */
export function renderPermissionMatrix(): string {
  const head = '| Role | Level | Scope | Permissions |\n|---|--:|---|---|';
  const rows = roles.map((r) => {
    const perms = rolePermissions[r].map((p) => `\`${p}\``).join(', ');
    return `| \`${r}\` | ${roleLevels[r]} | ${scopedRoles.has(r) ? 'own departments' : 'all'} | ${perms} |`;
  });
  return [head, ...rows].join('\n');
}

export const DOC_BLOCKS = {
  permissions: ['<!-- permissions:start (generated: npm run docs:security) -->', '<!-- permissions:end -->'],
  routes: ['<!-- routes:start (generated: npm run docs:security) -->', '<!-- routes:end -->'],
} as const;

/** The text between a block's markers. */
export function blockOf(doc: string, [start, end]: readonly [string, string]): string | undefined {
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) return undefined;
  return doc.slice(a + start.length, b).trim();
}

export function replaceBlock(doc: string, [start, end]: readonly [string, string], body: string): string {
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`markers ${start} … ${end} not found`);
  return `${doc.slice(0, a + start.length)}\n${body}\n${doc.slice(b)}`;
}
