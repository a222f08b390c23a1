/**
 * Smoke test of the bench harness: case (a) through the real code path (child process,
 * autocannon, memory sample) for about a second, and the table/ratio formatting.
 */
import { describe, expect, it } from 'vitest';
import { rawHttpCase } from '../src/cases/raw-http.js';
import { formatRatio, formatTable, ratio } from '../src/report.js';
import { runCase } from '../src/run-case.js';
import type { CaseResult, LoadMetrics } from '../src/types.js';

const metrics = (requestsPerSecond: number, p50: number, p99: number): LoadMetrics => ({
  requestsPerSecond,
  latencyP50Ms: p50,
  latencyP99Ms: p99,
  totalRequests: requestsPerSecond * 5,
  errors: 0,
  timeouts: 0,
  non2xx: 0,
  statusCodes: { 200: requestsPerSecond * 5 },
  durationSeconds: 5,
});

describe('bench harness', () => {
  it('measures the raw node:http case in a child process', async () => {
    const result = await runCase(rawHttpCase, { durationSeconds: 1, connections: 4, warmupSeconds: 0 });
    expect(result).toMatchObject({ id: 'a', status: 'ok' });
    if (result.status !== 'ok') return;
    expect(result.metrics.requestsPerSecond).toBeGreaterThan(0);
    expect(result.metrics.errors).toBe(0);
    expect(result.metrics.non2xx).toBe(0);
    if (process.platform === 'linux') expect(result.memory?.rssMiB).toBeGreaterThan(0);
  });

  it('reports a case whose setup fails as skipped instead of throwing', async () => {
    const result = await runCase(
      { id: 'x', name: '(x) broken', setup: () => Promise.reject(new Error('server not built\nmore detail')) },
      { durationSeconds: 1, connections: 1, warmupSeconds: 0 },
    );
    expect(result).toEqual({ id: 'x', name: '(x) broken', status: 'skipped', reason: 'server not built / more detail' });
  });

  it('formats the table with ratios to (a) and (b), and skipped rows', () => {
    const results: CaseResult[] = [
      { id: 'a', name: '(a) ceiling', status: 'ok', metrics: metrics(20000, 2, 8.5), memory: { rssMiB: 80, peakRssMiB: 81 } },
      { id: 'b', name: '(b) peer', status: 'ok', metrics: metrics(1000, 40, 120), memory: null },
      { id: 'c', name: '(c) gatehouse', status: 'ok', metrics: metrics(5000, 9.25, 30), memory: { rssMiB: 120.44, peakRssMiB: 130 }, note: 'hello' },
      { id: 'd', name: '(d) gatehouse', status: 'skipped', reason: 'no server' },
    ];
    expect(ratio(results[2] as CaseResult, results[0])).toBeCloseTo(0.25);
    expect(ratio(results[3] as CaseResult, results[0])).toBeNull();
    expect(formatRatio(5)).toBe('5.00x');
    expect(formatRatio(null)).toBe('–');
    expect(formatTable(results).split('\n')).toEqual([
      '| case          | req/s | p50 ms | p99 ms | errors | non-2xx | RSS MiB | vs (a) | vs (b) |',
      '|---------------|------:|-------:|-------:|-------:|--------:|--------:|-------:|-------:|',
      '| (a) ceiling   | 20000 |      2 |    8.5 |      0 |       0 |      80 |  1.00x | 20.00x |',
      '| (b) peer      |  1000 |     40 |    120 |      0 |       0 |       – |  0.05x |  1.00x |',
      '| (c) gatehouse |  5000 |   9.25 |     30 |      0 |       0 |   120.4 |  0.25x |  5.00x |',
      '| (d) gatehouse | skipped: no server |',
      'note (c) gatehouse: hello',
    ]);
  });
});
