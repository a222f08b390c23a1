/**
 * Smoke test of the bench harness: case (a) through the real code path (child process,
 * autocannon, memory sample) for about a second, and the table/ratio formatting.
 */
import { describe, expect, it } from 'vitest';
import { rawHttpCase } from '../src/cases/raw-http.js';
import { formatRatio, formatTable, ratio } from '../src/report.js';
import { runCase } from '../src/run-case.js';
import { checkTargets, formatCosts, formatTargets } from '../src/targets.js';
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
    expect(result).toEqual({
      id: 'x',
      name: '(x) broken',
      status: 'skipped',
      reason: 'server not built / more detail',
    });
  });

  it('formats the table with ratios to (a) and (b), and skipped rows', () => {
    const results: CaseResult[] = [
      {
        id: 'a',
        name: '(a) ceiling',
        status: 'ok',
        metrics: metrics(20000, 2, 8.5),
        memory: { rssMiB: 80, peakRssMiB: 81 },
      },
      { id: 'b', name: '(b) peer', status: 'ok', metrics: metrics(1000, 40, 120), memory: null },
      {
        id: 'c',
        name: '(c) gatehouse',
        status: 'ok',
        metrics: { ...metrics(5000, 9.25, 30), serverCpuMicrosPerRequest: 157.4 },
        memory: { rssMiB: 120.44, peakRssMiB: 130 },
        note: 'hello',
      },
      { id: 'd', name: '(d) gatehouse', status: 'skipped', reason: 'no server' },
    ];
    expect(ratio(results[2] as CaseResult, results[0])).toBeCloseTo(0.25);
    expect(ratio(results[3] as CaseResult, results[0])).toBeNull();
    expect(formatRatio(5)).toBe('5.00x');
    expect(formatRatio(null)).toBe('–');
    expect(formatTable(results).split('\n')).toEqual([
      '| case          | req/s | CPU µs/req | p50 ms | p99 ms | errors | non-2xx | RSS MiB | vs (a) | vs (b) |',
      '|---------------|------:|-----------:|-------:|-------:|-------:|--------:|--------:|-------:|-------:|',
      '| (a) ceiling   | 20000 |          – |      2 |    8.5 |      0 |       0 |      80 |  1.00x | 20.00x |',
      '| (b) peer      |  1000 |          – |     40 |    120 |      0 |       0 |       – |  0.05x |  1.00x |',
      '| (c) gatehouse |  5000 |        157 |   9.25 |     30 |      0 |       0 |   120.4 |  0.25x |  5.00x |',
      '| (d) gatehouse | skipped: no server |',
      'note (c) gatehouse: hello',
    ]);
  });

  it('says which targets hold, which do not, and which were not measured', () => {
    const ok = (id: string, rps: number, p99 = 5, extra: Partial<LoadMetrics> = {}, rssMiB = 150): CaseResult => ({
      id,
      name: `(${id})`,
      status: 'ok',
      metrics: { ...metrics(rps, 1, p99), ...extra },
      memory: { rssMiB, peakRssMiB: rssMiB },
    });
    const results: CaseResult[] = [
      ok('a', 10000),
      ok('b', 1000),
      ok('c', 6000, 21),
      ok('d', 2500),
      ok('e', 5300, 5, {}, 191),
      ok('f', 5000, 5, { non2xx: 2 }),
      { id: 'h', name: '(h)', status: 'skipped', reason: 'no cluster' },
    ];
    const checks = Object.fromEntries(checkTargets(results).map((c) => [c.target, [c.measured, c.met]]));
    expect(checks).toEqual({
      'reused (c) ≥ 0.6x raw (a)': ['0.60x', true],
      'reused, 2 workers (h) ≥ 0.6x raw (a)': ['–', null],
      'reused (c) ≥ 5x peer (b)': ['6.00x', true],
      'reused, 2 workers (h) ≥ 5x peer (b)': ['–', null],
      'minted (d) ≥ 3x peer (b)': ['2.50x', false],
      'bearer GET (f) ≥ 0.5x raw (a)': ['0.50x', true],
      'bearer GET, 2 workers (i) ≥ 0.5x raw (a)': ['–', null],
      'p99 of reused (c) ≤ 20 ms': ['21 ms', false],
      'zero errors and non-2xx': ['2', false],
      'many integrations (e) within 10 % of one (c)': ['-12 %', false],
      // 191 MiB is 200.3 MB.
      'RSS of (e) < 200 MB': ['191.0 MiB', false],
    });
    expect(
      formatTargets(checkTargets([ok('a', 10000), ok('c', 7000)]))
        .split('\n')
        .slice(0, 3),
    ).toEqual([
      'targets:',
      '  met      reused (c) ≥ 0.6x raw (a): 0.70x',
      '  –        reused, 2 workers (h) ≥ 0.6x raw (a): –',
    ]);
  });

  it('reports what a feature costs beside its base case (CPU µs/req and req/s), – when either is missing', () => {
    const run = (id: string, rps: number, cpu: number): CaseResult => ({
      id,
      name: `(${id})`,
      status: 'ok',
      metrics: { ...metrics(rps, 1, 2), serverCpuMicrosPerRequest: cpu },
      memory: null,
    });
    expect(formatCosts([run('c', 10000, 100), run('n', 8000, 125), run('f', 5000, 140)]).split('\n')).toEqual([
      'costs:',
      '  OpenTelemetry on, reused token (n vs c): CPU 100 → 125 µs/req (+25 %), req/s -20 %',
      '  OpenTelemetry on, bearer GET (o vs f): –',
    ]);
  });
});
