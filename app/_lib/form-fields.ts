import { badRequest } from '@/lib/errors';

/** A form field as trimmed text, undefined when empty (so zod's optional fields stay unset). */
export function formText(form: FormData): (name: string) => string | undefined {
  return (name) => {
    const v = String(form.get(name) ?? '').trim();
    return v === '' ? undefined : v;
  };
}

/** A JSON field of a form, parsed; a 400 naming `path` when it is not JSON. */
export function formJson(raw: string | undefined, path: string): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw badRequest('Check the highlighted fields', [{ path, message: 'Not valid JSON: check the quotes, commas and brackets' }]);
  }
}

/**
 * What was typed into a form, to give back when the action refuses it so the form re-renders with
 * it (secrets such as passwords are never named here, so never sent back).
 */
export function formValues(form: FormData, names: readonly string[]): Record<string, string | string[]> {
  return Object.fromEntries(
    names.map((n) => {
      const all = form.getAll(n).map((v) => (typeof v === 'string' ? v : ''));
      return [n, all.length > 1 ? all : (all[0] ?? '')];
    }),
  );
}

/** One message per form field, from field problems whose paths are the schema's (first one wins). */
export function messagesByField(
  errors: readonly { path: string; message: string }[] | undefined,
  rename: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors ?? []) {
    const field = rename[e.path] ?? Object.entries(rename).find(([p]) => e.path.startsWith(p + '.'))?.[1] ?? e.path.split('.')[0];
    out[field] ??= e.message;
  }
  return out;
}
