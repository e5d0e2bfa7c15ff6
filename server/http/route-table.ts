import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export type RouteEntry = { path: string; pattern: RegExp; params: string[]; file: string };

const root = path.resolve(import.meta.dirname, '../../app/api');

/** Every route.ts under app/api as a URL pattern: the same table Next builds, for the API door, tests and tools. */
export function routeTable(dir = root): RouteEntry[] {
  const out: RouteEntry[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name === 'route.ts') {
        const rel = path
          .relative(root, d)
          .split(path.sep)
          .filter((s) => !s.startsWith('('));
        const params: string[] = [];
        const re = rel
          .map((seg) => {
            const m = /^\[(\.\.\.)?(\w+)\]$/.exec(seg);
            if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            params.push(m[2]);
            return m[1] ? '(.+)' : '([^/]+)';
          })
          .join('/');
        out.push({ path: `/api/${rel.join('/')}`, pattern: new RegExp(`^/api/${re}/?$`), params, file: full });
      }
    }
  };
  walk(dir);
  // Static segments before dynamic ones, as Next matches them.
  return out.sort((a, b) => a.params.length - b.params.length || b.path.length - a.path.length);
}
