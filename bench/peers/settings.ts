const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got ${process.env[name]}`);
  return v;
};

/** The comparison's knobs, read from the environment (the same in the runner and in each child). */
export function peerSettings() {
  return {
    tasks: num('BENCH_PEER_TASKS', 5000),
    slots: num('BENCH_PEER_SLOTS', 24),
    rate: num('BENCH_PEER_RATE', 500),
    seconds: num('BENCH_PEER_SECONDS', 10),
    timeoutMs: num('BENCH_PEER_TIMEOUT_MS', 60_000),
  };
}
