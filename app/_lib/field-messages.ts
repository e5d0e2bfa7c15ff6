import type { ZodError } from 'zod';
import type { FieldProblem } from '@/lib/errors';

type Issue = ZodError['issues'][number];

// zod's own wording ("Invalid input: expected string, received undefined") is for developers; a
// message a schema author wrote on purpose ("A department id") is kept as it is.
const ZOD_DEFAULT = /^(Invalid|Too (small|big)|Expected|Unrecognized)/;

const count = (n: unknown, one: string, many: string) => `${n} ${Number(n) === 1 ? one : many}`;

/** One zod issue in words a person filling a form understands. */
export function humanIssue(issue: Issue): string {
  if (!ZOD_DEFAULT.test(issue.message)) return issue.message;
  const i = issue as Issue & Record<string, unknown>;
  switch (issue.code) {
    case 'invalid_type':
      if (/received undefined|received null/.test(issue.message)) return 'Required';
      return i.expected === 'number'
        ? 'Enter a number'
        : i.expected === 'boolean'
          ? 'Choose yes or no'
          : `Must be ${i.expected === 'array' ? 'a list' : `a ${String(i.expected)}`}`;
    case 'too_small':
      if (i.origin === 'string') return Number(i.minimum) <= 1 ? 'Required' : `Use at least ${count(i.minimum, 'character', 'characters')}`;
      if (i.origin === 'array' || i.origin === 'set')
        return Number(i.minimum) <= 1 ? 'Choose at least one' : `Choose at least ${i.minimum}`;
      return `Must be at least ${i.minimum}`;
    case 'too_big':
      if (i.origin === 'string') return `Use at most ${count(i.maximum, 'character', 'characters')}`;
      if (i.origin === 'array' || i.origin === 'set') return `Choose at most ${i.maximum}`;
      return `Must be at most ${i.maximum}`;
    case 'invalid_format':
      if (i.format === 'email') return 'Not a valid email address';
      if (i.format === 'uuid') return 'Not a valid id';
      if (i.format === 'url') return 'Not a valid web address';
      return 'Not in the expected format';
    case 'invalid_value':
      return Array.isArray(i.values) && i.values.length <= 12 ? `Choose one of: ${i.values.join(', ')}` : 'Not one of the allowed values';
    case 'unrecognized_keys':
      return `Not a field this form takes: ${(i.keys as string[]).join(', ')}`;
    case 'not_multiple_of':
      return `Must be a multiple of ${i.divisor}`;
    default:
      return 'Not a valid value';
  }
}

/** A form's zod error as one message per field (the first issue of each), keyed by its path. */
export function fieldProblems(err: ZodError): FieldProblem[] {
  const seen = new Set<string>();
  const out: FieldProblem[] = [];
  for (const issue of err.issues) {
    const path = issue.path.join('.') || '(form)';
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ path, message: humanIssue(issue) });
  }
  return out;
}
