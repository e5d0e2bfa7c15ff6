import { describe, expect, it } from 'vitest';
import { describeTaskEvent, describeTaskEventText } from './task-events';

const agent = '3f2a9c1e-0000-4000-8000-000000000001';

describe('task timeline sentences', () => {
  it('says how long a completion took instead of showing its JSON', () => {
    expect(describeTaskEventText({ type: 'completed', agentId: agent, detail: { durationMs: 2161 } }, 'billing-bot')).toBe(
      'Completed by billing-bot; took 2.2 s',
    );
  });

  it('names the agent a task was handed to and the attempt', () => {
    expect(describeTaskEventText({ type: 'assigned', agentId: agent, detail: { attempt: 2 } }, 'ops-1')).toBe(
      'Handed to ops-1 (attempt 2)',
    );
  });

  it('tells a timeout from an error and says when the retry comes', () => {
    expect(
      describeTaskEventText(
        {
          type: 'retry-scheduled',
          agentId: agent,
          detail: { error: 'timeout', attempt: 1, retryInMs: 2000, reason: 'timeout', timeoutMs: 30_000 },
        },
        'a',
      ),
    ).toBe('Attempt 1 on a timed out after 30.0 s; retry in 2.0 s');
    expect(describeTaskEventText({ type: 'failed', agentId: agent, detail: { error: 'disk full', attempt: 3 } }, 'a')).toBe(
      'Failed on a (attempt 3): disk full',
    );
  });

  it('explains a cancellation caused by a failed dependency', () => {
    expect(describeTaskEvent({ type: 'cancelled', agentId: null, detail: { reason: 'dependency-failed', dependencyStatus: 'dead' } })).toBe(
      'Cancelled: a task it depends on ended dead',
    );
    expect(describeTaskEvent({ type: 'cancelled', agentId: null, detail: { by: 'admin' } })).toBe('Cancelled by admin');
  });

  it('reads an unknown event type as words, never as raw JSON', () => {
    const s = describeTaskEvent({ type: 'lease-extended', agentId: null, detail: { untilMs: 1500, note: 'x', nested: { a: 1 } } });
    expect(s).toBe('Lease extended: until ms 1.5 s, note x');
    expect(s).not.toContain('{');
  });
});
