// One system of the dispatch-vs-queues comparison, in a process of its own (so one library's
// timers, pools and JIT state never touch the next one's numbers). bench/peers.ts runs this.
//   tsx bench/peers/run-one.ts <system>   → progress on stderr, `RESULT {json}` on stdout
import { systems } from './systems';
import { runBatchPhase, runWorkload } from './workload';
import { peerSettings } from './settings';

const key = process.argv[2];
const make = systems[key];
if (!make) {
  console.error(`unknown system "${key}"; one of: ${Object.keys(systems).join(', ')}`);
  process.exit(2);
}
const s = peerSettings();
const system = make({ slots: s.slots, rate: s.rate });
// Stopped mid-run (Ctrl-C, the runner's timeout): drop the database / queue before leaving.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    const cap = setTimeout(() => process.exit(130), 4000);
    void system.close().finally(() => {
      clearTimeout(cap);
      process.exit(130);
    });
  });
}
let last = 0;
const progress = (line: string) => {
  if (Date.now() - last < 500) return;
  last = Date.now();
  process.stderr.write(`PROGRESS ${line}\n`);
};
const result =
  process.env.BENCH_PEER_PHASE === 'batch' ? await runBatchPhase(system, s.tasks, progress) : await runWorkload(system, s, progress);
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
// Libraries keep timers (pool reapers, lock extenders) after close; the result is out, so leave.
process.exit(0);
