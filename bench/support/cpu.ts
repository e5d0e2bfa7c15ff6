import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (ms) spent by this process, one other process, all postgres / redis-server processes, the machine. */
export type CpuSnapshot = { self: number; server: number; postgres: number; redis: number; machineBusy: number };
/** A reading: totals, plus each postgres / redis-server process's own, so a process that exits between readings doesn't count negative. */
export type CpuReading = CpuSnapshot & { perPid: Map<string, number> };

const TICK_MS = 10; // Linux USER_HZ is 100 on every mainstream build

function procCpuMs(stat: string): number {
  // Fields after the ")" of comm: state is field 3; utime and stime are fields 14 and 15.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

function readStat(pid: string | number): { comm: string; ms: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return { comm: s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')), ms: procCpuMs(s) };
  } catch {
    return null; // exited, or not Linux
  }
}

/**
 * Reads /proc: cheap enough to call around each phase. Postgres and Redis are summed over their
 * processes on the whole machine, so other work on the machine shows up there too (say the load).
 */
export function cpuSnapshot(serverPid?: number): CpuReading {
  const u = process.cpuUsage();
  let postgres = 0;
  let redis = 0;
  const perPid = new Map<string, number>();
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const st = readStat(pid);
      if (st?.comm === 'postgres') postgres += st.ms;
      else if (st?.comm === 'redis-server') redis += st.ms;
      else continue;
      perPid.set(`${st.comm}:${pid}`, st.ms);
    }
  } catch {
    /* no /proc */
  }
  let machineBusy = 0;
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    machineBusy = (cpu.reduce((a, b) => a + b, 0) - cpu[3] - (cpu[4] ?? 0)) * TICK_MS;
  } catch {
    /* not Linux */
  }
  return { self: (u.user + u.system) / 1000, server: serverPid ? (readStat(serverPid)?.ms ?? 0) : 0, postgres, redis, machineBusy, perPid };
}

/** CPU spent between two readings. Postgres and Redis: processes alive at the end, from 0 if they started in between. */
export function cpuDelta(a: CpuReading, b: CpuReading): CpuSnapshot {
  let postgres = 0;
  let redis = 0;
  for (const [key, ms] of b.perPid) {
    const d = ms - (a.perPid.get(key) ?? 0);
    if (key.startsWith('postgres:')) postgres += d;
    else redis += d;
  }
  return { self: b.self - a.self, server: b.server - a.server, postgres, redis, machineBusy: b.machineBusy - a.machineBusy };
}
