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
    throw badRequest('Invalid input', [{ path, message: 'Not valid JSON' }]);
  }
}
