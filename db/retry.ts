/** Deadlock (40P01) and serialization failure (40001): the transaction did nothing and may run again. */
export function isRetryable(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code;
  return code === '40P01' || code === '40001';
}

/** Runs a transaction-shaped function again (with jitter) when Postgres aborted it as a deadlock victim. */
export async function retryTx<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts || !isRetryable(err)) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * i));
    }
  }
}
