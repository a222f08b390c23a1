/**
 * Waiting for something another process does (a change honoured by a node, a worker started):
 * polls `check` every `intervalMs` until it holds.
 * @returns how long it took, milliseconds.
 * @throws Error when `check` still fails after `ms` milliseconds.
 */
export async function within(ms: number, check: () => Promise<boolean> | boolean, intervalMs = 20): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`not honoured within ${ms} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return Date.now() - start;
}
