import { duration } from './duration';

/** A timeline entry as the API returns it (GET /api/v1/tasks/{id} `events`). */
export type TaskEventView = { type: string; agentId: string | null; detail: Record<string, unknown> };

/** Where a sentence names the event's agent; the page puts a link to the agent there. */
export const AGENT = '\u0000agent\u0000';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const attemptOf = (d: Record<string, unknown>) => (num(d.attempt) !== undefined ? ` (attempt ${num(d.attempt)})` : '');
const byOf = (d: Record<string, unknown>) => (str(d.by) ? ` by ${str(d.by)}` : '');
const agentOf = (e: TaskEventView) => (e.agentId ? AGENT : 'its agent');

function failure(e: TaskEventView): string {
  const d = e.detail;
  if (d.reason === 'timeout') return `timed out${num(d.timeoutMs) !== undefined ? ` after ${duration(num(d.timeoutMs)!)}` : ''}`;
  return str(d.error) ? `failed: ${str(d.error)}` : 'failed';
}

/** Why an attempt ended, without the verb: "disk full", "timed out after 30.0 s". */
function cause(e: TaskEventView): string {
  const f = failure(e);
  return f.startsWith('failed: ') ? f.slice('failed: '.length) : f;
}

// One sentence per event type; each reads only the detail keys its writer (lib/tasks, lib/dispatch) puts there.
const sentences: Record<string, (e: TaskEventView) => string> = {
  created: (e) => {
    const d = e.detail;
    if (str(d.scheduleId)) return `Created by ${str(d.by) ?? 'its schedule'}${d.manual ? ' (run now)' : ''}`;
    return `Created${byOf(d)}${str(d.runAt) ? ', to start at its scheduled time' : ''}`;
  },
  due: () => 'Its start time came: joined the queue',
  assigned: (e) => `Handed to ${agentOf(e)}${attemptOf(e.detail)}`,
  started: (e) => `${e.agentId ? AGENT : 'The agent'} started work`,
  completed: (e) =>
    `Completed by ${agentOf(e)}${num(e.detail.durationMs) !== undefined ? `; took ${duration(num(e.detail.durationMs)!)}` : ''}`,
  'retry-scheduled': (e) =>
    `Attempt${num(e.detail.attempt) !== undefined ? ` ${num(e.detail.attempt)}` : ''} on ${agentOf(e)} ${failure(e)}${num(e.detail.retryInMs) !== undefined ? `; retry in ${duration(num(e.detail.retryInMs)!)}` : '; will retry'}`,
  failed: (e) => `Failed on ${agentOf(e)}${attemptOf(e.detail)}: ${cause(e)}`,
  dead: (e) => `Out of attempts${attemptOf(e.detail)}, last on ${agentOf(e)}: ${cause(e)}; moved to dead letters`,
  requeued: (e) => `Taken back from ${agentOf(e)} and queued again${str(e.detail.reason) ? ` (${str(e.detail.reason)})` : ''}`,
  cancelled: (e) => {
    const d = e.detail;
    if (d.reason === 'dependency-failed') return `Cancelled: a task it depends on ended ${str(d.dependencyStatus) ?? 'without success'}`;
    return `Cancelled${byOf(d)}${d.while === 'scheduled' ? ' before its start time' : ''}`;
  },
  retried: (e) => `Retried${byOf(e.detail)}: queued again with fresh attempts`,
  'late-report': (e) =>
    `${e.agentId ? AGENT : 'An agent'} reported ${str(e.detail.call) ?? 'back'} after the task was already ${str(e.detail.status) ?? 'finished'}; ignored`,
};

const words = (key: string) => key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

/**
 * A timeline entry as a sentence: `{"durationMs":2161}` on `completed` reads "Completed by … ; took 2.2 s".
 * An event type this console doesn't know yet still reads as words, never as raw JSON.
 */
export function describeTaskEvent(e: TaskEventView): string {
  const known = sentences[e.type];
  if (known) return known(e);
  const rest = Object.entries(e.detail)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${words(k)} ${k.endsWith('Ms') && typeof v === 'number' ? duration(v) : String(v)}`);
  const head = words(e.type).replace(/-/g, ' ');
  return `${head.charAt(0).toUpperCase()}${head.slice(1)}${e.agentId ? ` (${AGENT})` : ''}${rest.length ? `: ${rest.join(', ')}` : ''}`;
}

/** The sentence with the agent's name in place, as plain text. */
export const describeTaskEventText = (e: TaskEventView, agentName = 'the agent') => describeTaskEvent(e).split(AGENT).join(agentName);
