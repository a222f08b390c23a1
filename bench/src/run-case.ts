/**
 * Runs one case end to end: setup (server in its own process), sanity check, warm-up, measured
 * run, memory sample, teardown. Any failure before the measured run becomes a "skipped" result.
 * @packageDocumentation
 */
import { defaultCheck, runLoad } from './load.js';
import { sampleCpuMicros, sampleMemory } from './process-memory.js';
import type { BenchCase, CaseResult, CaseTarget, RunOptions } from './types.js';

/** The first lines of an error's message, as the one-line "skipped: …" reason. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  // `|` would break the Markdown table the reason is printed in.
  return lines.slice(0, 3).join(' / ').replace(/\|/g, '/').slice(0, 400);
}

/**
 * Measures `benchCase` with `options` (durations in seconds). Never throws: setup, check and
 * load failures are reported as `{status: 'skipped', reason}`.
 */
export async function runCase(benchCase: BenchCase, options: RunOptions): Promise<CaseResult> {
  const { id, name } = benchCase;
  let target: CaseTarget | undefined;
  try {
    target = await benchCase.setup();
    const note = target.check ? await target.check() : await defaultCheck(target);
    if (options.warmupSeconds > 0) await runLoad(target, options.warmupSeconds, options.connections);
    const cpuBefore = sampleCpuMicros(target.pid);
    const metrics = await runLoad(target, options.durationSeconds, options.connections);
    const cpuAfter = sampleCpuMicros(target.pid);
    const memory = sampleMemory(target.pid);
    // Server CPU per request: the shared cores disturb it less than req/s.
    const serverCpuMicrosPerRequest =
      cpuBefore !== null && cpuAfter !== null && metrics.totalRequests > 0
        ? (cpuAfter - cpuBefore) / metrics.totalRequests
        : null;
    return {
      id,
      name,
      status: 'ok',
      metrics: { ...metrics, serverCpuMicrosPerRequest },
      memory,
      ...(note ? { note } : {}),
    };
  } catch (error) {
    return { id, name, status: 'skipped', reason: reasonOf(error) };
  } finally {
    await target?.teardown().catch((error: unknown) => console.error(`teardown of ${name} failed:`, error));
  }
}
