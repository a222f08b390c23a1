/**
 * The performance targets of the issue that asked for this benchmark, checked against one run's
 * results, so every run says which hold on the machine it ran on.
 * @packageDocumentation
 */
import { CEILING_ID, PEER_ID, ratio } from './report.js';
import type { CaseResult } from './types.js';

/** One target: what it asks, what this run measured, and whether it holds (null: a case is missing). */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

/** 200 MB (decimal, as the issue writes it), in MiB as the table reports RSS. */
const RSS_LIMIT_MIB = 200e6 / 2 ** 20;

type Ok = Extract<CaseResult, { status: 'ok' }>;

const BASE_NAMES: Record<string, string> = { [CEILING_ID]: 'raw', [PEER_ID]: 'peer' };

/** `min`-or-better of the req/s ratio of case `id` (described as `what`) to case `baseId`. */
function ratioAtLeast(
  byId: Map<string, CaseResult>,
  what: string,
  id: string,
  baseId: string,
  min: number,
): TargetCheck {
  const value = ratio(byId.get(id), byId.get(baseId));
  const target = `${what} (${id}) ≥ ${min}x ${BASE_NAMES[baseId] ?? ''} (${baseId})`;
  return value === null
    ? { target, measured: '–', met: null }
    : { target, measured: `${value.toFixed(2)}x`, met: value >= min };
}

/** The measured case `id`, or undefined when it was not run or was skipped. */
function ok(byId: Map<string, CaseResult>, id: string): Ok | undefined {
  const result = byId.get(id);
  return result?.status === 'ok' ? result : undefined;
}

/**
 * Checks the targets: reused tokens ≥ 0.6x the raw ceiling and ≥ 5x the peer (one process, and
 * on two workers), minted ≥ 3x the peer, bearer GET ≥ 0.5x raw (one process and two workers),
 * p99 of reused tokens ≤ 20 ms, zero errors and non-2xx in every measured case, many integrations
 * (e) within 10 % of one (c), and RSS of (e) under 200 MB (the issue asks it with 100,000
 * integrations in the store: `BENCH_INTEGRATIONS=100000`).
 */
export function checkTargets(results: CaseResult[]): TargetCheck[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  const checks = [
    ratioAtLeast(byId, 'reused', 'c', CEILING_ID, 0.6),
    ratioAtLeast(byId, 'reused, 2 workers', 'h', CEILING_ID, 0.6),
    ratioAtLeast(byId, 'reused', 'c', PEER_ID, 5),
    ratioAtLeast(byId, 'reused, 2 workers', 'h', PEER_ID, 5),
    ratioAtLeast(byId, 'minted', 'd', PEER_ID, 3),
    ratioAtLeast(byId, 'bearer GET', 'f', CEILING_ID, 0.5),
    ratioAtLeast(byId, 'bearer GET, 2 workers', 'i', CEILING_ID, 0.5),
  ];
  const reused = ok(byId, 'c');
  checks.push({
    target: 'p99 of reused (c) ≤ 20 ms',
    measured: reused ? `${reused.metrics.latencyP99Ms} ms` : '–',
    met: reused ? reused.metrics.latencyP99Ms <= 20 : null,
  });
  const measured = results.filter((r): r is Ok => r.status === 'ok');
  const failures = measured.reduce((n, r) => n + r.metrics.errors + r.metrics.non2xx, 0);
  checks.push({
    target: 'zero errors and non-2xx',
    measured: String(failures),
    met: measured.length ? failures === 0 : null,
  });
  const many = ratio(byId.get('e'), byId.get('c'));
  checks.push({
    target: 'many integrations (e) within 10 % of one (c)',
    measured: many === null ? '–' : `${((many - 1) * 100).toFixed(0)} %`,
    met: many === null ? null : many >= 0.9,
  });
  const memory = ok(byId, 'e')?.memory;
  checks.push({
    target: 'RSS of (e) < 200 MB',
    measured: memory ? `${memory.rssMiB.toFixed(1)} MiB` : '–',
    met: memory ? memory.rssMiB < RSS_LIMIT_MIB : null,
  });
  return checks;
}

/** The checks as lines for the terminal: `met`, `NOT met` or `–` (not measured) before each. */
export function formatTargets(checks: TargetCheck[]): string {
  const label = (met: boolean | null) => (met === null ? '–' : met ? 'met' : 'NOT met');
  return ['targets:', ...checks.map((c) => `  ${label(c.met).padEnd(7)}  ${c.target}: ${c.measured}`)].join('\n');
}

/** Pairs of cases whose difference is a cost to report (not a target): the second adds one feature. */
const COSTS: [base: string, withFeature: string, what: string][] = [
  ['c', 'n', 'OpenTelemetry on, reused token'],
  ['f', 'o', 'OpenTelemetry on, bearer GET'],
];

/**
 * The cost of features measured beside their base case in the same run: server CPU µs per request
 * and req/s of the case with the feature against the one without, as lines for the terminal
 * (`–` when either case was not run).
 */
export function formatCosts(results: CaseResult[]): string {
  const byId = new Map(results.map((r) => [r.id, r]));
  const lines = COSTS.map(([base, withFeature, what]) => {
    const a = ok(byId, base);
    const b = ok(byId, withFeature);
    const cpuA = a?.metrics.serverCpuMicrosPerRequest;
    const cpuB = b?.metrics.serverCpuMicrosPerRequest;
    if (!a || !b || cpuA == null || cpuB == null) return `  ${what} (${withFeature} vs ${base}): –`;
    const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)} %`;
    return `  ${what} (${withFeature} vs ${base}): CPU ${cpuA.toFixed(0)} → ${cpuB.toFixed(0)} µs/req (${pct(cpuB / cpuA - 1)}), req/s ${pct(b.metrics.requestsPerSecond / a.metrics.requestsPerSecond - 1)}`;
  });
  return ['costs:', ...lines].join('\n');
}
