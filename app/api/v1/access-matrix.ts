import { roles, type Role } from '@/db/vocabulary';
import { scopedRoles } from '@/lib/permissions/rbac';

/**
 * Who may call each /api/v1 route: the documented allow/deny per role.
 * access-matrix.test.ts calls every entry as every role and fails when a route file exports a
 * method that has no entry here, so a new route can't ship without a decision about who may call it.
 *
 * Scoped roles (department-admin, -coordinator, agent-supervisor, agent) are tested as members of
 * `marketing`: `call` aims at an object of their department; `elsewhere` at engineering's, where
 * every allowed scoped role must get 404 (ids outside the caller's departments don't leak).
 * Allowed answers 2xx, denied answers 403. The test makes the objects (Fixtures): this file is the
 * table alone.
 */

export type Caller = { role: Role; id: string; token: string; departmentIds: string[] };
export type Fixtures = {
  unique: (prefix: string) => string;
  /** A fresh user of a role in some departments. */
  user: (role: Role, departmentIds: string[]) => Promise<{ id: string }>;
  /** A fresh, empty department (deletable). */
  department: () => Promise<string>;
  /** A fresh API token owned by a user. */
  apiToken: (ownerId: string) => Promise<string>;
  /** A fresh agent in a department. */
  agent: (departmentId: string) => Promise<string>;
  /** A fresh active allocation (1 storage unit) held by a fresh agent of the department. */
  allocation: (departmentId: string) => Promise<string>;
  /** The current maximum of a department's pool, for a no-op capacity PATCH. */
  poolMaximum: (departmentId: string, type: string) => Promise<number>;
  /** A fresh task; `assignedTo` makes it that agent's (status assigned/running). */
  task: (departmentId: string, status?: 'pending' | 'running' | 'failed', assignedTo?: string) => Promise<string>;
  /** A fresh open alert in a department. */
  alert: (departmentId: string) => Promise<string>;
  /** A fresh webhook of a department, aimed where the forgery guard refuses to send (nothing leaves the test). */
  webhook: (departmentId: string) => Promise<string>;
  /** A fresh webhook of a department with one failed delivery, for redelivery. */
  failedDelivery: (departmentId: string) => Promise<{ webhookId: string; deliveryId: string }>;
  /** A fresh paused schedule in a department. */
  schedule: (departmentId: string) => Promise<string>;
};
export type Call = { params?: Record<string, string>; body?: unknown; query?: string };
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Entry = {
  method: Method;
  /** The route's folder under app/, e.g. /api/v1/users/[id]. */
  path: string;
  /** Takes no credentials (login, refresh): not role-tested. */
  public?: true;
  allow: readonly Role[];
  call: (f: Fixtures, caller: Caller) => Call | Promise<Call>;
  elsewhere?: (f: Fixtures, caller: Caller) => Call | Promise<Call>;
};

const ALL = roles;
const PEOPLE = roles.filter((r) => r !== 'agent');
const SA: Role[] = ['super-admin'];
const ADMINS: Role[] = ['super-admin', 'department-admin'];
const USER_READERS: Role[] = ['super-admin', 'department-admin', 'auditor'];
const AUDIT_READERS: Role[] = ['super-admin', 'department-admin', 'auditor'];
const SECURITY_READERS: Role[] = ['super-admin', 'auditor'];
const DEPT_READERS: Role[] = ['super-admin', 'department-admin', 'department-coordinator', 'auditor', 'agent-supervisor', 'readonly'];
/** Organisation-wide figures (the whole fleet's bus traffic): roles that see every department. */
const GLOBAL_READERS: Role[] = ['super-admin', 'auditor', 'readonly'];
const TOKEN_OWNERS: Role[] = ['super-admin', 'department-admin', 'department-coordinator', 'auditor', 'agent-supervisor'];

// For callers that can't own the object in question (an agent owns no tokens).
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
/** A task the caller can see: an agent caller sees only tasks assigned to it. */
const ownTask = (f: Fixtures, caller: Caller, status: 'pending' | 'running' | 'failed' = 'pending') =>
  caller.role === 'agent' ? f.task('marketing', 'running', caller.id) : f.task('marketing', status);
const id = async (p: Promise<string>) => ({ params: { id: await p } });
const DEPT_WORKERS: Role[] = ['super-admin', 'department-admin', 'department-coordinator'];
const AGENT_EDITORS: Role[] = ['super-admin', 'department-admin', 'department-coordinator', 'agent-supervisor'];
const dept = (id: string) => ({ params: { id } });
const day = () => new Date().toISOString().slice(0, 10);
/** An object of the caller's department for `call`, the same in engineering for `elsewhere`. */
const inDept = (make: (f: Fixtures, departmentId: string) => Call | Promise<Call>) => ({
  call: (f: Fixtures) => make(f, 'marketing'),
  elsewhere: (f: Fixtures) => make(f, 'engineering'),
});
const redelivery = async (f: Fixtures, departmentId: string) => {
  const { webhookId, deliveryId } = await f.failedDelivery(departmentId);
  return { params: { id: webhookId, deliveryId } };
};
const PUBLIC_HOOK = 'http://93.184.215.14/hook';

export const accessMatrix: Entry[] = [
  // auth
  { method: 'POST', path: '/api/v1/auth/token', public: true, allow: ALL, call: () => ({}) },
  { method: 'POST', path: '/api/v1/auth/refresh', public: true, allow: ALL, call: () => ({}) },
  { method: 'POST', path: '/api/v1/auth/logout', allow: ALL, call: () => ({ body: {} }) },
  { method: 'GET', path: '/api/v1/me', allow: ALL, call: () => ({}) },

  // departments
  { method: 'GET', path: '/api/v1/departments', allow: DEPT_READERS, call: () => ({}) },
  { method: 'POST', path: '/api/v1/departments', allow: SA, call: (f) => ({ body: { id: f.unique('d'), name: 'Matrix' } }) },
  { method: 'GET', path: '/api/v1/departments/[id]', allow: DEPT_READERS, ...inDept((_f, d) => dept(d)) },
  {
    method: 'PATCH',
    path: '/api/v1/departments/[id]',
    allow: ADMINS,
    call: () => ({ ...dept('marketing'), body: { description: 'Edited by the access matrix' } }),
    elsewhere: () => ({ ...dept('engineering'), body: { description: 'x' } }),
  },
  { method: 'DELETE', path: '/api/v1/departments/[id]', allow: SA, call: async (f) => dept(await f.department()) },
  // Archiving changes what the system counts toward MAX_DEPARTMENTS: super-admins only.
  { method: 'POST', path: '/api/v1/departments/[id]/archive', allow: SA, call: async (f) => ({ ...dept(await f.department()), body: {} }) },
  { method: 'POST', path: '/api/v1/departments/[id]/unarchive', allow: SA, call: async (f) => dept(await f.department()) },
  { method: 'GET', path: '/api/v1/departments/[id]/status', allow: DEPT_READERS, ...inDept((_f, d) => dept(d)) },
  {
    method: 'POST',
    path: '/api/v1/departments/[id]/coordinators',
    allow: ADMINS,
    call: (f) => ({ ...dept('marketing'), body: { username: f.unique('coord'), password: 'matrix-password-123' } }),
    elsewhere: (f) => ({ ...dept('engineering'), body: { username: f.unique('coord'), password: 'matrix-password-123' } }),
  },

  // users
  { method: 'GET', path: '/api/v1/users', allow: USER_READERS, call: () => ({}) },
  {
    method: 'POST',
    path: '/api/v1/users',
    allow: ADMINS,
    call: (f) => ({
      body: { username: f.unique('u'), password: 'matrix-password-123', role: 'agent-supervisor', departmentIds: ['marketing'] },
    }),
  },
  {
    method: 'GET',
    path: '/api/v1/users/[id]',
    allow: USER_READERS,
    call: async (f) => ({ params: { id: (await f.user('readonly', ['marketing'])).id } }),
    elsewhere: async (f) => ({ params: { id: (await f.user('readonly', ['engineering'])).id } }),
  },
  {
    method: 'PATCH',
    path: '/api/v1/users/[id]',
    allow: ADMINS,
    call: async (f) => ({ params: { id: (await f.user('readonly', ['marketing'])).id }, body: { unlock: true } }),
    elsewhere: async (f) => ({ params: { id: (await f.user('readonly', ['engineering'])).id }, body: { unlock: true } }),
  },
  {
    method: 'DELETE',
    path: '/api/v1/users/[id]',
    allow: ADMINS,
    call: async (f) => ({ params: { id: (await f.user('readonly', ['marketing'])).id } }),
    elsewhere: async (f) => ({ params: { id: (await f.user('readonly', ['engineering'])).id } }),
  },
  // Every person enrols their own MFA; an agent has none.
  { method: 'POST', path: '/api/v1/users/[id]/mfa', allow: PEOPLE, call: (_f, caller) => ({ params: { id: caller.id }, body: {} }) },

  // API tokens
  { method: 'GET', path: '/api/v1/tokens', allow: TOKEN_OWNERS, call: () => ({}) },
  { method: 'POST', path: '/api/v1/tokens', allow: TOKEN_OWNERS, call: () => ({ body: { name: 'matrix' } }) },
  {
    method: 'DELETE',
    path: '/api/v1/tokens/[id]',
    allow: TOKEN_OWNERS,
    call: async (f, caller) => ({ params: { id: caller.role === 'agent' ? NO_SUCH_ID : await f.apiToken(caller.id) } }),
  },

  // agents
  { method: 'GET', path: '/api/v1/agents', allow: DEPT_READERS, call: () => ({}) },
  {
    method: 'POST',
    path: '/api/v1/agents',
    allow: DEPT_WORKERS,
    call: () => ({ body: { departmentId: 'marketing', type: 'worker', specialization: 'campaigns' } }),
    elsewhere: () => ({ body: { departmentId: 'engineering', type: 'worker', specialization: 'backend' } }),
  },
  { method: 'GET', path: '/api/v1/agents/[id]', allow: DEPT_READERS, ...inDept((f, d) => id(f.agent(d))) },
  {
    method: 'PATCH',
    path: '/api/v1/agents/[id]',
    allow: AGENT_EDITORS,
    call: async (f) => ({ ...(await id(f.agent('marketing'))), body: { name: 'renamed by the matrix' } }),
    elsewhere: async (f) => ({ ...(await id(f.agent('engineering'))), body: { name: 'x' } }),
  },
  { method: 'DELETE', path: '/api/v1/agents/[id]', allow: DEPT_WORKERS, ...inDept((f, d) => id(f.agent(d))) },
  { method: 'POST', path: '/api/v1/agents/[id]/secret', allow: AGENT_EDITORS, ...inDept((f, d) => id(f.agent(d))) },
  // An agent reads its own status (and no other agent's).
  {
    method: 'GET',
    path: '/api/v1/agents/[id]/status',
    allow: [...DEPT_READERS, 'agent'],
    call: async (f, c) => (c.role === 'agent' ? { params: { id: c.id } } : id(f.agent('marketing'))),
    elsewhere: (f) => id(f.agent('engineering')),
  },
  // Only an agent pulls work, and only its own.
  {
    method: 'POST',
    path: '/api/v1/agents/[id]/claim',
    allow: ['agent'],
    call: async (f, c) => ({ params: { id: c.role === 'agent' ? c.id : await f.agent('marketing') }, body: {} }),
    elsewhere: async (f) => ({ params: { id: await f.agent('engineering') }, body: {} }),
  },
  // The agent's own secret is the credential.
  { method: 'POST', path: '/api/v1/agents/[id]/token', public: true, allow: ALL, call: () => ({}) },

  // tasks
  { method: 'GET', path: '/api/v1/tasks', allow: ALL, call: () => ({}) },
  {
    method: 'POST',
    path: '/api/v1/tasks',
    allow: DEPT_WORKERS,
    call: () => ({ body: { title: 'matrix task', departmentId: 'marketing', type: 'campaign' } }),
    elsewhere: () => ({ body: { title: 'matrix task', departmentId: 'engineering', type: 'build' } }),
  },
  {
    method: 'POST',
    path: '/api/v1/tasks/batch',
    allow: DEPT_WORKERS,
    call: () => ({ body: { tasks: [{ title: 'matrix batch task', departmentId: 'marketing', type: 'campaign' }] } }),
    elsewhere: () => ({ body: { tasks: [{ title: 'matrix batch task', departmentId: 'engineering', type: 'build' }] } }),
  },
  { method: 'GET', path: '/api/v1/tasks/[id]', allow: ALL, call: (f, c) => id(ownTask(f, c)), elsewhere: (f) => id(f.task('engineering')) },
  {
    method: 'POST',
    path: '/api/v1/tasks/[id]/cancel',
    allow: AGENT_EDITORS,
    call: (f, c) => id(ownTask(f, c)),
    elsewhere: (f) => id(f.task('engineering')),
  },
  {
    method: 'POST',
    path: '/api/v1/tasks/[id]/retry',
    allow: AGENT_EDITORS,
    call: (f, c) => id(ownTask(f, c, 'failed')),
    elsewhere: (f) => id(f.task('engineering', 'failed')),
  },

  // schedules: task permissions in the schedule's department; agents have none
  { method: 'GET', path: '/api/v1/schedules', allow: PEOPLE, call: () => ({}) },
  {
    method: 'POST',
    path: '/api/v1/schedules',
    allow: DEPT_WORKERS,
    call: () => ({
      body: { name: 'matrix', departmentId: 'marketing', cron: '0 3 * * *', enabled: false, task: { title: 'matrix', type: 'campaign' } },
    }),
    elsewhere: () => ({
      body: { name: 'matrix', departmentId: 'engineering', cron: '0 3 * * *', enabled: false, task: { title: 'matrix', type: 'build' } },
    }),
  },
  { method: 'GET', path: '/api/v1/schedules/[id]', allow: PEOPLE, ...inDept((f, d) => id(f.schedule(d))) },
  {
    method: 'PATCH',
    path: '/api/v1/schedules/[id]',
    allow: DEPT_WORKERS,
    call: async (f) => ({ ...(await id(f.schedule('marketing'))), body: { name: 'renamed by the matrix' } }),
    elsewhere: async (f) => ({ ...(await id(f.schedule('engineering'))), body: { name: 'x' } }),
  },
  { method: 'DELETE', path: '/api/v1/schedules/[id]', allow: DEPT_WORKERS, ...inDept((f, d) => id(f.schedule(d))) },
  { method: 'POST', path: '/api/v1/schedules/[id]/trigger', allow: DEPT_WORKERS, ...inDept((f, d) => id(f.schedule(d))) },
  // webhooks: department admins for their departments, super-admins for all and for global ones
  { method: 'GET', path: '/api/v1/webhooks', allow: ADMINS, call: () => ({}) },
  {
    method: 'POST',
    path: '/api/v1/webhooks',
    allow: ADMINS,
    call: () => ({ body: { url: PUBLIC_HOOK, events: ['task.created'], departmentId: 'marketing', enabled: false } }),
    elsewhere: () => ({ body: { url: PUBLIC_HOOK, events: ['task.created'], departmentId: 'engineering', enabled: false } }),
  },
  { method: 'GET', path: '/api/v1/webhooks/[id]', allow: ADMINS, ...inDept((f, d) => id(f.webhook(d))) },
  {
    method: 'PATCH',
    path: '/api/v1/webhooks/[id]',
    allow: ADMINS,
    call: async (f) => ({ ...(await id(f.webhook('marketing'))), body: { description: 'changed by the matrix' } }),
    elsewhere: async (f) => ({ ...(await id(f.webhook('engineering'))), body: { description: 'x' } }),
  },
  { method: 'DELETE', path: '/api/v1/webhooks/[id]', allow: ADMINS, ...inDept((f, d) => id(f.webhook(d))) },
  { method: 'POST', path: '/api/v1/webhooks/[id]/test', allow: ADMINS, ...inDept((f, d) => id(f.webhook(d))) },
  { method: 'GET', path: '/api/v1/webhooks/[id]/deliveries', allow: ADMINS, ...inDept((f, d) => id(f.webhook(d))) },
  { method: 'POST', path: '/api/v1/webhooks/[id]/deliveries/[deliveryId]/redeliver', allow: ADMINS, ...inDept(redelivery) },
  // Agent-side reports: only the assigned agent, whatever the caller's role.
  {
    method: 'POST',
    path: '/api/v1/tasks/[id]/progress',
    allow: ['agent'],
    call: async (f, c) => ({ ...(await id(ownTask(f, c, 'running'))), body: { progress: 0.5 } }),
    elsewhere: async (f) => ({ ...(await id(f.task('engineering', 'running', await f.agent('engineering')))), body: { progress: 0.5 } }),
  },
  {
    method: 'POST',
    path: '/api/v1/tasks/[id]/complete',
    allow: ['agent'],
    call: async (f, c) => ({ ...(await id(ownTask(f, c, 'running'))), body: { result: { ok: true } } }),
    elsewhere: async (f) => ({ ...(await id(f.task('engineering', 'running', await f.agent('engineering')))), body: {} }),
  },
  {
    method: 'POST',
    path: '/api/v1/tasks/[id]/fail',
    allow: ['agent'],
    call: async (f, c) => ({ ...(await id(ownTask(f, c, 'running'))), body: { error: 'matrix failure', retryable: false } }),
    elsewhere: async (f) => ({ ...(await id(f.task('engineering', 'running', await f.agent('engineering')))), body: { error: 'x' } }),
  },
  {
    method: 'POST',
    path: '/api/v1/collaborations',
    allow: ['super-admin', 'department-admin', 'department-coordinator', 'agent'],
    call: async (f, c) => ({
      body: { taskId: await ownTask(f, c, 'running'), targetDepartmentId: 'marketing', request: { title: 'help', type: 'review' } },
    }),
    elsewhere: async (f) => ({
      body: { taskId: await f.task('engineering'), targetDepartmentId: 'engineering', request: { title: 'help', type: 'review' } },
    }),
  },

  // messages and the bus
  {
    method: 'POST',
    path: '/api/v1/messages',
    allow: ['super-admin', 'department-admin', 'department-coordinator', 'agent'],
    // Agents may also reach departments that accept collaboration, so no "elsewhere" probe here.
    call: () => ({ body: { to: { departmentId: 'marketing' }, type: 'matrix.note', data: { hello: true } } }),
  },
  { method: 'GET', path: '/api/v1/bus/stats', allow: GLOBAL_READERS, call: () => ({}) },

  // resources
  { method: 'GET', path: '/api/v1/resources', allow: DEPT_READERS, call: () => ({}) },
  {
    method: 'GET',
    path: '/api/v1/resources/costs',
    allow: DEPT_READERS,
    call: () => ({ query: 'departmentId=marketing' }),
    elsewhere: () => ({ query: 'departmentId=engineering' }),
  },
  {
    method: 'POST',
    path: '/api/v1/resources/check',
    allow: ['super-admin', 'department-admin', 'department-coordinator', 'agent'],
    call: () => ({ body: { departmentId: 'marketing', resources: { storage: 1 } } }),
    elsewhere: () => ({ body: { departmentId: 'engineering', resources: { storage: 1 } } }),
  },
  { method: 'GET', path: '/api/v1/departments/[id]/resources', allow: DEPT_READERS, ...inDept((_f, d) => dept(d)) },
  {
    method: 'PATCH',
    path: '/api/v1/departments/[id]/resources',
    allow: ADMINS,
    call: async (f) => ({ ...dept('marketing'), body: { storage: { maximum: await f.poolMaximum('marketing', 'storage') } } }),
    elsewhere: async (f) => ({ ...dept('engineering'), body: { storage: { maximum: await f.poolMaximum('engineering', 'storage') } } }),
  },
  { method: 'GET', path: '/api/v1/allocations', allow: DEPT_READERS, call: () => ({}) },
  {
    method: 'POST',
    path: '/api/v1/allocations',
    allow: DEPT_WORKERS,
    call: async (f) => ({ body: { agentId: await f.agent('marketing'), resources: { storage: 1 } } }),
    elsewhere: async (f) => ({ body: { agentId: await f.agent('engineering'), resources: { storage: 1 } } }),
  },
  { method: 'DELETE', path: '/api/v1/allocations/[id]', allow: DEPT_WORKERS, ...inDept((f, d) => id(f.allocation(d))) },
  { method: 'POST', path: '/api/v1/agents/[id]/release', allow: DEPT_WORKERS, ...inDept((f, d) => id(f.agent(d))) },

  // monitoring
  { method: 'GET', path: '/api/v1/status', allow: DEPT_READERS, call: () => ({}) },
  {
    method: 'GET',
    path: '/api/v1/metrics/history',
    allow: DEPT_READERS,
    call: () => ({ query: 'range=1h&name=tasks_created&departmentId=marketing' }),
    elsewhere: () => ({ query: 'range=1h&name=tasks_created&departmentId=engineering' }),
  },
  {
    method: 'GET',
    path: '/api/v1/alerts',
    allow: DEPT_READERS,
    call: () => ({ query: 'departmentId=marketing' }),
    elsewhere: () => ({ query: 'departmentId=engineering' }),
  },
  {
    method: 'POST',
    path: '/api/v1/alerts/[id]/acknowledge',
    allow: ['super-admin', 'department-admin', 'department-coordinator', 'agent-supervisor'],
    ...inDept((f, d) => id(f.alert(d))),
  },
  { method: 'POST', path: '/api/v1/alerts/[id]/resolve', allow: ADMINS, ...inDept((f, d) => id(f.alert(d))) },

  // audit and security
  { method: 'GET', path: '/api/v1/audit', allow: AUDIT_READERS, call: () => ({}) },
  { method: 'GET', path: '/api/v1/audit/verify', allow: SECURITY_READERS, call: () => ({}) },
  { method: 'GET', path: '/api/v1/audit/export', allow: AUDIT_READERS, call: () => ({ query: 'action=user.*' }) },
  { method: 'GET', path: '/api/v1/audit/report', allow: AUDIT_READERS, call: () => ({ query: `from=${day()}&to=${day()}` }) },
  { method: 'GET', path: '/api/v1/security/events', allow: SECURITY_READERS, call: () => ({}) },
  { method: 'GET', path: '/api/v1/security/mfa-policy', allow: USER_READERS, call: () => ({}) },
  { method: 'PUT', path: '/api/v1/security/mfa-policy', allow: SA, call: () => ({ body: { requiredRoles: [] } }) },
];

const short: Record<Role, string> = {
  'super-admin': 'SA',
  'department-admin': 'DA',
  'department-coordinator': 'DC',
  auditor: 'AU',
  'agent-supervisor': 'AS',
  agent: 'AG',
  readonly: 'RO',
};

/** The matrix as a Markdown table for docs/security.md (a test keeps the two equal). */
export function renderAccessTable(entries: Entry[] = accessMatrix): string {
  const head = `| Method | Route | ${roles.map((r) => short[r]).join(' | ')} |`;
  const rule = `|---|---|${roles.map(() => ':-:').join('|')}|`;
  const rows = [...entries]
    .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))
    .map(
      (e) =>
        `| ${e.method} | \`${e.path}\` | ${roles.map((r) => (e.public ? 'public' : e.allow.includes(r) ? (e.elsewhere && scopedRoles.has(r) ? 'own dept' : 'yes') : '—')).join(' | ')} |`,
    );
  return [head, rule, ...rows].join('\n');
}
