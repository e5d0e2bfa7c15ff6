import { z } from 'zod';

/** A submitted form as a record: one string per field, a list where a field came more than once (checkboxes). */
export type FormRecord = Record<string, string | string[]>;

// Fields whose value must never travel back to the browser in a refused form's `values`.
const SECRET_FIELD = /pass(word|phrase)|secret|token|otp|^code$/i;

/** The form's text fields (files and Next's own `$ACTION…` fields left out). */
export function formRecord(form: FormData): FormRecord {
  const out: FormRecord = {};
  for (const key of new Set(form.keys())) {
    if (key.startsWith('$ACTION')) continue;
    const all = form.getAll(key).filter((v): v is string => typeof v === 'string');
    if (all.length) out[key] = all.length > 1 ? all : all[0];
  }
  return out;
}

/** What was typed, to give back when the action refuses it so the form re-renders with it; secrets never. */
export function submittedValues(form: FormData): FormRecord {
  return Object.fromEntries(Object.entries(formRecord(form)).filter(([k]) => !SECRET_FIELD.test(k)));
}

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);

/** Trimmed text; empty is unset, so an optional field stays unset and a required one reads "Required". */
export const text = z.preprocess((v) => {
  const s = first(v);
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : undefined;
}, z.string().optional());

/** Text as typed (a password keeps its spaces); '' when absent. */
export const rawText = z.preprocess((v) => (typeof first(v) === 'string' ? first(v) : ''), z.string());

/** A number field; empty is unset, anything not a number reads "Enter a number". */
export const numberField = z.preprocess((v) => {
  const s = first(v);
  return typeof s === 'string' && s.trim() !== '' ? Number(s) : undefined;
}, z.number().optional());

/** A checkbox: on when sent. */
export const checkbox = z.preprocess((v) => first(v) === 'on', z.boolean());

/** Every checked box of a group (none: an empty list). */
export const checkedList = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string()));

/** "a, b, c" as a list (empty: an empty list). */
export const commaList = z.preprocess(
  (v) =>
    String(first(v) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  z.array(z.string()),
);

/** A JSON field, parsed; text that isn't JSON is a problem on this field (the others are still checked). */
export const jsonField = text.transform((raw, ctx) => {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'Not valid JSON: check the quotes, commas and brackets' });
    return z.NEVER;
  }
});

/** One message per form field, from field problems whose paths are the schema's (first one wins). */
export function messagesByField(
  errors: readonly { path: string; message: string }[] | undefined,
  rename: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors ?? []) {
    const field = rename[e.path] ?? Object.entries(rename).find(([p]) => e.path.startsWith(`${p}.`))?.[1] ?? e.path.split('.')[0];
    out[field] ??= e.message;
  }
  return out;
}

/**
 * A REST schema as the last step of a form's schema: the form's fields (text) become its input and
 * it checks them exactly as the REST door does. Its declared input (enums, numbers) is stricter
 * than text, so it is taken as `any` here.
 */
export const checkedAs = <T extends z.ZodType>(schema: T) => z.any().pipe(schema);
