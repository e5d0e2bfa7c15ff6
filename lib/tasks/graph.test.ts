import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { principalOf } from '@/test/principals';
import { createTaskSchema } from './schemas';
import { createTask } from './service';
import { getDepartmentTaskGraph, getTaskGraph } from './graph';

const admin = principalOf('super-admin');

describe('graphs of related tasks', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t.drop();
  });

  const make = (title: string, departmentId: string, extra: Record<string, unknown> = {}) =>
    createTask(t.db, admin, createTaskSchema.parse({ title, departmentId, type: 'review', delayMs: 3_600_000, ...extra }));

  it('walks dependencies and collaboration requests both ways, and draws another department’s task without its title', async () => {
    const a = await make('draft', 'legal');
    const b = await make('review', 'legal', { dependsOn: [a.id] });
    const c = await make('check payroll', 'hr', { parentTaskId: b.id });
    const d = await make('sign', 'legal', { dependsOn: [b.id] });
    const unrelated = await make('unrelated', 'legal');

    const g = await getTaskGraph(t.db, admin, a.id);
    expect(g.nodes.map((n) => n.id).sort()).toEqual([a.id, b.id, c.id, d.id].sort());
    expect(g.edges).toEqual(
      expect.arrayContaining([
        { from: a.id, to: b.id, kind: 'dependency' },
        { from: b.id, to: d.id, kind: 'dependency' },
        { from: b.id, to: c.id, kind: 'collaboration' },
      ]),
    );
    expect(g.edges).toHaveLength(3);
    expect(g.more).toBe(0);
    expect(g.nodes.map((n) => n.id)).not.toContain(unrelated.id);

    const coordinator = principalOf('department-coordinator', ['legal']);
    const seen = await getTaskGraph(t.db, coordinator, d.id);
    expect(seen.nodes.find((n) => n.id === c.id)).toEqual({
      id: c.id,
      departmentId: 'hr',
      departmentName: 'HR',
      title: null,
      status: null,
    });
    expect(seen.nodes.find((n) => n.id === a.id)?.title).toBe('draft');
    await expect(getTaskGraph(t.db, principalOf('department-coordinator', ['sales']), a.id)).rejects.toMatchObject({ status: 404 });

    const legal = await getDepartmentTaskGraph(t.db, admin, 'legal');
    expect(legal.nodes.map((n) => n.id).sort()).toEqual([b.id, c.id].sort());
    expect(legal.edges).toEqual([{ from: b.id, to: c.id, kind: 'collaboration' }]);
    await expect(getDepartmentTaskGraph(t.db, coordinator, 'hr')).rejects.toMatchObject({ status: 404 });
  });

  it('stops at the cap and counts what it left out', async () => {
    const root = await make('fan-out', 'marketing');
    for (let i = 0; i < 7; i++) await make(`leaf ${i}`, 'marketing', { dependsOn: [root.id] });
    const g = await getTaskGraph(t.db, admin, root.id, 5);
    expect(g.nodes).toHaveLength(5);
    expect(g.nodes[0].id).toBe(root.id);
    expect(g.more).toBe(3);
    expect(g.moreAtLeast).toBe(true);
    expect(g.edges.every((e) => e.from === root.id)).toBe(true);
  });
});
