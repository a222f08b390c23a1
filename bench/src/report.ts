/**
 * The report: a Markdown table for the terminal and the same data as JSON under `bench/results/`.
 * @packageDocumentation
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { CaseResult, RunOptions } from './types.js';

/** Ids of the reference cases every other case is compared with. */
export const CEILING_ID = 'a';
export const PEER_ID = 'b';

/** `value / base` of req/s, or null when either side is missing, skipped or zero. */
export function ratio(result: CaseResult | undefined, base: CaseResult | undefined): number | null {
  if (result?.status !== 'ok' || base?.status !== 'ok' || base.metrics.requestsPerSecond === 0) return null;
  return result.metrics.requestsPerSecond / base.metrics.requestsPerSecond;
}

/** Formats a number with at most `digits` decimals, without trailing zeros. */
function num(value: number, digits = 0): string {
  return String(Number(value.toFixed(digits)));
}

/** Formats a ratio as `0.42x`, or `–` when there is none. */
export function formatRatio(value: number | null): string {
  return value === null ? '–' : `${value.toFixed(2)}x`;
}

const HEADER = ['case', 'req/s', 'CPU µs/req', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'RSS MiB', 'vs (a)', 'vs (b)'];

/**
 * Renders results as a Markdown table (one row per case; a skipped case shows `skipped: <reason>`),
 * followed by the cases' notes. Server CPU in µs per request, latencies in ms, RSS in MiB, ratios of req/s to cases (a) and (b).
 */
export function formatTable(results: CaseResult[]): string {
  const ceiling = results.find((r) => r.id === CEILING_ID);
  const peer = results.find((r) => r.id === PEER_ID);
  const rows = results.map((r) =>
    r.status === 'skipped'
      ? [r.name, `skipped: ${r.reason}`]
      : [
          r.name,
          num(r.metrics.requestsPerSecond),
          r.metrics.serverCpuMicrosPerRequest != null ? num(r.metrics.serverCpuMicrosPerRequest) : '–',
          num(r.metrics.latencyP50Ms, 2),
          num(r.metrics.latencyP99Ms, 2),
          String(r.metrics.errors),
          String(r.metrics.non2xx),
          r.memory ? num(r.memory.rssMiB, 1) : '–',
          formatRatio(ratio(r, ceiling)),
          formatRatio(ratio(r, peer)),
        ],
  );
  const measured = rows.filter((row) => row.length > 2);
  const widths = HEADER.map((h, i) =>
    Math.max(h.length, ...(i === 0 ? rows : measured).map((row) => row[i]?.length ?? 0)),
  );
  const pad = (cell: string, i: number) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (cells.length === 2 && i === 1 ? cell : pad(cell, i))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  const notes = results.flatMap((r) => (r.status === 'ok' && r.note ? [`note ${r.name}: ${r.note}`] : []));
  return [line(HEADER), rule, ...rows.map(line), ...notes].join('\n');
}

/** Facts about the machine, taken at the start of a run (load average: other work sharing the CPUs). */
export function machineInfo() {
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? null,
    total_memory_mib: Math.round(totalmem() / 2 ** 20),
    load_average_1m: loadavg()[0] ?? null,
  };
}

/** The JSON document written per run. Durations in seconds, latencies in ms, memory in MiB. */
export function buildReport(results: CaseResult[], options: RunOptions, startedAt: Date, machine = machineInfo()) {
  const ceiling = results.find((r) => r.id === CEILING_ID);
  const peer = results.find((r) => r.id === PEER_ID);
  return {
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    machine,
    options: {
      duration_seconds: options.durationSeconds,
      warmup_seconds: options.warmupSeconds,
      connections: options.connections,
    },
    results: results.map((r) => ({ ...r, vs_a: ratio(r, ceiling), vs_b: ratio(r, peer) })),
  };
}

/** Writes `report` to `<dir>/<timestamp>.json` and returns the file path. */
export function writeReport(report: ReturnType<typeof buildReport>, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${report.started_at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
