import { Fragment } from 'react';
import { AGENT, describeTaskEvent, type TaskEventView } from '@/lib/format/task-events';
import type { Names } from '@/lib/org/names';
import { AgentRef } from '@/components/entity-refs';
import { Time } from '@/components/time';

/** The task's events as sentences, the agent in each named and linked. */
export function TaskTimeline({ events, names }: { events: (TaskEventView & { id: number | string; at: string })[]; names: Names }) {
  return (
    <ol className="space-y-2 border-l-2 border-slate-200 pl-4 dark:border-slate-700" data-testid="task-timeline">
      {events.map((e) => {
        const parts = describeTaskEvent(e).split(AGENT);
        return (
          <li key={e.id} className="text-sm" data-event={e.type}>
            <span className="tabular-nums text-slate-500 dark:text-slate-400">
              <Time value={e.at} />
            </span>{' '}
            <span>
              {parts.map((p, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a sentence's parts never reorder; the position is their identity
                <Fragment key={i}>
                  {i > 0 && <AgentRef id={e.agentId} names={names} copy={false} />}
                  {p}
                </Fragment>
              ))}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
