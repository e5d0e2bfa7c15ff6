import type { z } from 'zod';
import { hasPermission as grants, scopedRoles } from '@/lib/permissions/rbac';
import type { createAgentSchema, updateAgentSchema } from '@/lib/agents/schemas';
import type { agentTableQuery } from '@/lib/agents/table';
import type { createTaskBodySchema } from '@/lib/tasks/schemas';
import type { taskTableQuery } from '@/lib/tasks/table';
import type { createDepartmentSchema, updateDepartmentSchema } from '@/lib/departments/schemas';
import type { Department, DepartmentStatus } from '@/lib/departments/service';
import type { createScheduleSchema, updateScheduleSchema } from '@/lib/schedules/schemas';
import type { scheduleTableQuery } from '@/lib/schedules/table';
import type { Schedule, getSchedule } from '@/lib/schedules/service';
import type { Task, TaskDetail } from '@/lib/tasks/service';
import type { BatchResult } from '@/lib/tasks/batch';
import type { SystemStatus } from '@/lib/status/system';
import type { toAgent } from '@/lib/agents/service';
import type { Role } from '@/db/vocabulary';
import type { AllocateInput } from '@/lib/resources/schemas';
import type { AllocationResult } from '@/lib/allocations/allocations';
import type { Availability, DepartmentResources } from '@/lib/resources/service';
import { EcsApiError, readResponse, withQuery, type Query } from './http';

// Inputs are what a caller sends (before server defaults), so z.input; outputs are the lib/ types.
export type CreateTaskInput = z.input<typeof createTaskBodySchema>;
export type ListTasksQuery = Partial<z.input<typeof taskTableQuery>>;
export type CreateAgentInput = z.input<typeof createAgentSchema>;
export type UpdateAgentInput = z.input<typeof updateAgentSchema>;
export type ListAgentsQuery = Partial<z.input<typeof agentTableQuery>>;
export type CreateDepartmentInput = z.input<typeof createDepartmentSchema>;
export type UpdateDepartmentInput = z.input<typeof updateDepartmentSchema>;
export type Agent = ReturnType<typeof toAgent>;
export type CreateScheduleInput = z.input<typeof createScheduleSchema>;
export type UpdateScheduleInput = z.input<typeof updateScheduleSchema>;
export type ListSchedulesQuery = Partial<z.input<typeof scheduleTableQuery>>;
export type ScheduleDetail = Awaited<ReturnType<typeof getSchedule>>;
export type { Schedule };
export type {
  Department,
  DepartmentStatus,
  SystemStatus,
  Task,
  TaskDetail,
  AllocateInput,
  AllocationResult,
  Availability,
  DepartmentResources,
};
export type CoordinatorDepartmentSettings = { maxAgents?: number; specializations?: string[]; capabilities?: string[] };
export type Page<T> = {
  items: T[];
  nextCursor: string | null;
  /** Sorted lists (tasks, agents, alerts, audit, users, allocations, schedules, tokens, …): the page before. */
  prevCursor?: string | null;
  /** Sorted lists: rows matching the filters, counted up to 10,000. */
  total?: number;
  /** Sorted lists: more rows match than `total` says. */
  totalCapped?: boolean;
  /** Sorted lists: the column and direction the page is in. */
  sort?: string;
  order?: 'asc' | 'desc';
};
/** A page of a sorted list: the previous page, the count and the sort are always there. */
export type SortedPage<T> = Page<T> & Required<Pick<Page<T>, 'prevCursor' | 'total' | 'totalCapped' | 'sort' | 'order'>>;
export type TokenPair = {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: { id: string; username: string; role: Role; departmentIds: string[] };
};
export type Me = { id: string; kind: string; username: string; role: Role; departmentIds: string[]; permissions: string[] };
export type ResourceAmounts = Partial<Record<string, number>>;
export type MessageTarget = { agentId: string } | { departmentId: string; mode?: 'all' | 'one' } | { topic: string } | { broadcast: true };

export type EcsClientOptions = {
  baseUrl: string;
  /** An access token or API token; or call login(). */
  token?: string;
  refreshToken?: string;
  /** Called after a refresh, so a caller (the CLI) can store the new pair. */
  onTokens?: (t: { accessToken: string; refreshToken?: string }) => void;
  fetch?: typeof fetch;
};

export type RequestOptions = { query?: Query; body?: unknown; headers?: Record<string, string>; idempotencyKey?: string };

/**
 * Typed REST client for /api/v1. Resource methods (`tasks.create`, `agents.list`, …) plus the
 * design's programmatic names (`assignTask`, `allocateAgentToDepartment`, …) over the same calls.
 */
export class EcsClient {
  readonly baseUrl: string;
  token?: string;
  private refresh?: string;
  private me?: Me;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly opts: EcsClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.token = opts.token;
    this.refresh = opts.refreshToken;
    this.fetchFn = opts.fetch ?? fetch;
  }

  /** Any call; throws EcsApiError on a non-2xx answer. A 401 with a refresh token refreshes once and retries. */
  async request<T = unknown>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const send = () => {
      const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
      if (this.token) headers.authorization = `Bearer ${this.token}`;
      if (o.body !== undefined) headers['content-type'] = 'application/json';
      if (o.idempotencyKey) headers['idempotency-key'] = o.idempotencyKey;
      return this.fetchFn(this.baseUrl + withQuery(path, o.query), {
        method,
        headers,
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
      });
    };
    let res = await send();
    if (res.status === 401 && this.refresh && !path.startsWith('/api/v1/auth/')) {
      await this.refreshToken();
      res = await send();
    }
    return readResponse<T>(res);
  }

  private get = <T>(path: string, query?: Query) => this.request<T>('GET', path, { query });
  private post = <T>(path: string, body?: unknown, idempotencyKey?: string) =>
    this.request<T>('POST', path, { body: body ?? {}, idempotencyKey });

  /** Follows nextCursor through every page of a list. */
  async *paginate<T>(path: string, query: Query = {}): AsyncGenerator<T> {
    let cursor: string | null | undefined;
    do {
      const page = await this.get<Page<T>>(path, { ...query, cursor: cursor ?? undefined });
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor);
  }

  // ── auth ────────────────────────────────────────────────────────────────
  async login(username: string, password: string, otp?: string): Promise<TokenPair> {
    const pair = await this.post<TokenPair>('/api/v1/auth/token', { username, password, ...(otp ? { otp } : {}) });
    this.token = pair.accessToken;
    this.refresh = pair.refreshToken;
    this.me = undefined;
    return pair;
  }

  /** Rotates the refresh token (the old one stops working) and keeps the new pair. */
  async refreshToken(refreshToken = this.refresh): Promise<TokenPair> {
    if (!refreshToken)
      throw new EcsApiError(401, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'No refresh token: log in again' });
    const pair = await this.post<TokenPair>('/api/v1/auth/refresh', { refreshToken });
    this.token = pair.accessToken;
    this.refresh = pair.refreshToken;
    this.opts.onTokens?.({ accessToken: pair.accessToken, refreshToken: pair.refreshToken });
    return pair;
  }

  logout = (everywhere = false) =>
    this.post<void>('/api/v1/auth/logout', { ...(this.refresh ? { refreshToken: this.refresh } : {}), everywhere });
  whoami = async () => (this.me = await this.get<Me>('/api/v1/me'));

  /** Whether the signed-in caller holds `permission` (wildcards honoured), optionally inside a department. */
  async hasPermission(permission: string, departmentId?: string): Promise<boolean> {
    const me = this.me ?? (await this.whoami());
    if (!grants(me, permission)) return false;
    return !departmentId || !scopedRoles.has(me.role) || me.departmentIds.includes(departmentId);
  }

  // ── resources of the API ────────────────────────────────────────────────
  readonly departments = {
    list: () => this.get<Page<Department>>('/api/v1/departments'),
    get: (id: string) => this.get<Department>(`/api/v1/departments/${enc(id)}`),
    create: (input: CreateDepartmentInput, idempotencyKey?: string) => this.post<Department>('/api/v1/departments', input, idempotencyKey),
    update: (id: string, input: UpdateDepartmentInput) =>
      this.request<Department>('PATCH', `/api/v1/departments/${enc(id)}`, { body: input }),
    delete: (id: string) => this.request<void>('DELETE', `/api/v1/departments/${enc(id)}`),
    status: (id: string) => this.get<DepartmentStatus>(`/api/v1/departments/${enc(id)}/status`),
    resources: (id: string) => this.get<DepartmentResources>(`/api/v1/departments/${enc(id)}/resources`),
    addCoordinator: (id: string, body: { username: string; password: string }) =>
      this.post<unknown>(`/api/v1/departments/${enc(id)}/coordinators`, body),
    /** Keeps its history, takes no new agents or tasks; `force` cancels its open tasks (409 otherwise). */
    archive: (id: string, opts: { force?: boolean } = {}) => this.post<Department>(`/api/v1/departments/${enc(id)}/archive`, opts),
    unarchive: (id: string) => this.post<Department>(`/api/v1/departments/${enc(id)}/unarchive`, {}),
  };

  readonly agents = {
    list: (q: ListAgentsQuery = {}) => this.get<SortedPage<Agent>>('/api/v1/agents', q as Query),
    all: (q: ListAgentsQuery = {}) => this.paginate<Agent>('/api/v1/agents', q as Query),
    get: (id: string) => this.get<Agent>(`/api/v1/agents/${enc(id)}`),
    create: (input: CreateAgentInput, idempotencyKey?: string) =>
      this.post<{ agent: Agent; credentials: { agentId: string; secret: string } }>('/api/v1/agents', input, idempotencyKey),
    update: (id: string, input: UpdateAgentInput) => this.request<Agent>('PATCH', `/api/v1/agents/${enc(id)}`, { body: input }),
    retire: (id: string) => this.request<unknown>('DELETE', `/api/v1/agents/${enc(id)}`),
    status: (id: string) => this.get<unknown>(`/api/v1/agents/${enc(id)}/status`),
    release: (id: string) => this.post<unknown>(`/api/v1/agents/${enc(id)}/release`),
  };

  readonly tasks = {
    list: (q: ListTasksQuery = {}) => this.get<SortedPage<Task>>('/api/v1/tasks', q as Query),
    all: (q: ListTasksQuery = {}) => this.paginate<Task>('/api/v1/tasks', q as Query),
    get: (id: string) => this.get<TaskDetail>(`/api/v1/tasks/${enc(id)}`),
    create: (input: CreateTaskInput, idempotencyKey?: string) => this.post<Task>('/api/v1/tasks', input, idempotencyKey),
    /**
     * Up to 1,000 tasks in one request: the valid ones are created, each invalid one answered by
     * index in `results` (an EcsApiError when none could be). "#n" in dependsOn names item n.
     */
    createMany: (inputs: CreateTaskInput[], idempotencyKey?: string) =>
      this.post<BatchResult>('/api/v1/tasks/batch', { tasks: inputs }, idempotencyKey),
    cancel: (id: string) => this.post<Task>(`/api/v1/tasks/${enc(id)}/cancel`),
    retry: (id: string) => this.post<Task>(`/api/v1/tasks/${enc(id)}/retry`),
  };

  readonly schedules = {
    list: (q: ListSchedulesQuery = {}) => this.get<SortedPage<Schedule & { departmentName: string }>>('/api/v1/schedules', q as Query),
    all: (q: ListSchedulesQuery = {}) => this.paginate<Schedule>('/api/v1/schedules', q as Query),
    get: (id: string) => this.get<ScheduleDetail>(`/api/v1/schedules/${enc(id)}`),
    create: (input: CreateScheduleInput, idempotencyKey?: string) => this.post<Schedule>('/api/v1/schedules', input, idempotencyKey),
    update: (id: string, input: UpdateScheduleInput) => this.request<Schedule>('PATCH', `/api/v1/schedules/${enc(id)}`, { body: input }),
    pause: (id: string) => this.schedules.update(id, { enabled: false }),
    resume: (id: string) => this.schedules.update(id, { enabled: true }),
    delete: (id: string) => this.request<void>('DELETE', `/api/v1/schedules/${enc(id)}`),
    trigger: (id: string) => this.post<{ scheduleId: string; task: Task }>(`/api/v1/schedules/${enc(id)}/trigger`),
    /** The tasks the schedule created, newest first. */
    tasks: (id: string, q: Omit<ListTasksQuery, 'scheduleId'> = {}) =>
      this.get<SortedPage<Task>>('/api/v1/tasks', { ...q, scheduleId: id } as Query),
  };

  readonly resources = {
    list: () => this.get<unknown>('/api/v1/resources'),
    check: (departmentId: string, resources: ResourceAmounts) =>
      this.post<Availability>('/api/v1/resources/check', { departmentId, resources }),
    allocate: (body: AllocateInput, idempotencyKey?: string) => this.post<AllocationResult>('/api/v1/allocations', body, idempotencyKey),
    release: (allocationId: string) => this.request<unknown>('DELETE', `/api/v1/allocations/${enc(allocationId)}`),
  };

  readonly audit = {
    list: (q: Query = {}) => this.get<SortedPage<Record<string, unknown>>>('/api/v1/audit', q),
    exportCsv: (q: Query = {}) => this.get<string>('/api/v1/audit/export', q),
  };

  readonly metrics = {
    history: (q: Query) => this.get<unknown>('/api/v1/metrics/history', q),
  };

  send = (to: MessageTarget, type: string, data: unknown) =>
    this.post<{ id: string; recipients: number }>('/api/v1/messages', { to, type, data });

  // ── the design's programmatic API, by its own names ──────────────────────
  /**
   * Registers a user with the department-coordinator role on that department (username
   * `<department>-coordinator` when none is given). The third argument is either capabilities to
   * add to the department, or department settings: `maxAgents`, and specializations and
   * capabilities to add (existing ones stay).
   */
  async registerDepartmentCoordinator(
    departmentId: string,
    credentials: { username?: string; password: string },
    settings: string[] | CoordinatorDepartmentSettings = [],
  ) {
    const coordinator = await this.departments.addCoordinator(departmentId, {
      username: credentials.username ?? `${departmentId}-coordinator`,
      password: credentials.password,
    });
    const wanted: CoordinatorDepartmentSettings = Array.isArray(settings) ? { capabilities: settings } : settings;
    const dept = await this.departments.get(departmentId);
    const patch: UpdateDepartmentInput = {};
    const add = (have: string[], more: string[] = []) => [...new Set([...have, ...more])];
    if (wanted.capabilities && add(dept.capabilities, wanted.capabilities).length !== dept.capabilities.length)
      patch.capabilities = add(dept.capabilities, wanted.capabilities);
    if (wanted.specializations && add(dept.specializations, wanted.specializations).length !== dept.specializations.length)
      patch.specializations = add(dept.specializations, wanted.specializations);
    if (wanted.maxAgents !== undefined && wanted.maxAgents !== dept.maxAgents) patch.maxAgents = wanted.maxAgents;
    if (Object.keys(patch).length) await this.departments.update(departmentId, patch);
    return coordinator;
  }
  allocateAgentToDepartment = (departmentId: string, agentSpec: Omit<CreateAgentInput, 'departmentId'>) =>
    this.agents.create({ ...agentSpec, departmentId });
  assignTask = (taskSpec: CreateTaskInput) => this.tasks.create(taskSpec);
  getDepartmentStatus = (id: string) => this.departments.status(id);
  getSystemStatus = () => this.get<SystemStatus>('/api/v1/status');
  checkResourceAvailability = (departmentId: string, resources: ResourceAmounts) => this.resources.check(departmentId, resources);
  allocateResources = (agentId: string, resources: AllocateInput['resources'], opts: Omit<AllocateInput, 'agentId' | 'resources'> = {}) =>
    this.resources.allocate({ agentId, resources, ...opts });
  releaseResources = (allocationId: string) => this.resources.release(allocationId);
  getDepartmentResources = (departmentId: string) => this.departments.resources(departmentId);
  sendToAgent = (agentId: string, type: string, data: unknown) => this.send({ agentId }, type, data);
  sendToDepartment = (departmentId: string, type: string, data: unknown, mode: 'all' | 'one' = 'all') =>
    this.send({ departmentId, mode }, type, data);
  broadcast = (type: string, data: unknown) => this.send({ broadcast: true }, type, data);
  publish = (topic: string, data: unknown, type = 'event') => this.send({ topic }, type, data);
}

const enc = encodeURIComponent;
