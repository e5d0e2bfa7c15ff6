import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createTestDb, type TestDb } from '@/test/test-db';
import { makeUser } from '@/test/users';
import { principalOf } from '@/test/principals';
import { listAudit } from '@/db/queries/audit';
import { forbidden, notFound } from '@/lib/errors';
import type { Principal } from '@/lib/permissions/rbac';

// Outside Next there is no session: the wrapper's signed-in principal and database are the test's.
const held = vi.hoisted(() => ({ db: undefined as unknown, principal: undefined as unknown, enrolling: 0 }));
vi.mock('./session', () => ({
  requirePrincipal: async () => held.principal,
  requireEnrollingPrincipal: async () => {
    held.enrolling++;
    return held.principal;
  },
}));
vi.mock('@/db/client', async (original) => ({ ...(await original<object>()), getDb: () => held.db }));
const { action } = await import('./action');

let t: TestDb;
let principal: Principal;
beforeAll(async () => {
  t = await createTestDb({ seed: false });
  held.db = t.db;
  const user = await makeUser(t.db, 'department-admin', ['sales']);
  principal = { ...principalOf('department-admin', ['sales'], user.id), name: user.username };
  held.principal = principal;
});
beforeEach(() => {
  held.enrolling = 0;
});
afterAll(() => t.drop());

const form = (entries: [string, string][]) => {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
};
const denials = async () => (await listAudit(t.db, { action: 'access.denied', actor: principal.id }, undefined, 100)).length;

const signUp = z.object({
  username: z.string().min(3),
  password: z.string().min(12, 'Must be at least 12 characters'),
  departmentIds: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string())),
});

describe('the console server-action wrapper', () => {
  it('refuses a form its schema refuses: a message per field in words, what was typed kept, the password never', async () => {
    const work = vi.fn(async () => ({ ok: 'made' }));
    const state = await action(
      'users.create',
      signUp,
      work,
    )(
      {},
      form([
        ['username', ''],
        ['password', 'hunter2'],
        ['departmentIds', 'sales'],
        ['departmentIds', 'it'],
        ['$ACTION_ID_abc', ''],
      ]),
    );
    expect(work).not.toHaveBeenCalled();
    expect(state.error).toBe('Check the highlighted fields');
    expect(state.fields).toEqual({ username: 'Use at least 3 characters', password: 'Must be at least 12 characters' });
    expect(state.values).toEqual({ username: '', departmentIds: ['sales', 'it'] });
    expect(JSON.stringify(state)).not.toContain('hunter2');
    // A form refused for its input is no denial.
    expect(await denials()).toBe(0);
  });

  it('audits a refusal by lib/ once, through the helper REST uses, and answers it on the form', async () => {
    const before = await denials();
    const state = await action('tasks.cancel', z.object({ id: z.string() }), async () => {
      throw forbidden('Only admins cancel tasks');
    })({}, form([['id', 'x']]));
    expect(state).toMatchObject({ error: 'Only admins cancel tasks', fields: {}, values: { id: 'x' } });
    expect(await denials()).toBe(before + 1);
    const [row] = await listAudit(t.db, { action: 'access.denied', actor: principal.id }, undefined, 1);
    expect(row.detail).toMatchObject({ door: 'action', path: 'tasks.cancel', status: 403 });

    // A refusal that is no denial (here a plain 404 of a missing row) is answered but not audited.
    const missing = await action('tasks.retry', z.object({}), async () => {
      throw notFound('Task');
    })({}, form([]));
    expect(missing.error).toBe('Task not found');
    expect(await denials()).toBe(before + 1);
  });

  it('runs the work with the parsed input and the signed-in principal, answering what it returns', async () => {
    const work = vi.fn(async (input: z.output<typeof signUp>, ctx: { principal: Principal }) => ({
      ok: `Created ${input.username} for ${ctx.principal.name}`,
      data: input.departmentIds,
    }));
    const state = await action(
      'users.create',
      signUp,
      work,
    )(
      {},
      form([
        ['username', 'maria'],
        ['password', 'a long enough one'],
        ['departmentIds', 'sales'],
      ]),
    );
    expect(state).toEqual({ ok: `Created maria for ${principal.name}`, data: ['sales'] });
    expect(work.mock.calls[0][0]).toEqual({ username: 'maria', password: 'a long enough one', departmentIds: ['sales'] });
    expect(await action('noop', z.object({}), async () => undefined)({}, form([]))).toEqual({ ok: 'Done' });
    expect(held.enrolling).toBe(0);
  });

  it('lets the MFA enrolment actions run before enrolment', async () => {
    expect(await action('mfa.enrol', z.object({}), async () => ({ ok: 'started' }), { mfaEnrolment: true })({}, form([]))).toEqual({
      ok: 'started',
    });
    expect(held.enrolling).toBe(1);
  });
});
