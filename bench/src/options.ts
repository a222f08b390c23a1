/**
 * Settings read from the environment.
 * @packageDocumentation
 */
import type { RunOptions } from './types.js';

/** A positive number from `process.env[name]`, or `fallback` when unset; throws when malformed. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

/**
 * Options of `npm run bench`: `BENCH_DURATION` (seconds, default 5), `BENCH_WARMUP` (seconds,
 * default 1), `BENCH_CONNECTIONS` (default 50).
 */
export function benchOptions(): RunOptions {
  return {
    durationSeconds: envNumber('BENCH_DURATION', 5) || 5,
    warmupSeconds: envNumber('BENCH_WARMUP', 1),
    connections: Math.max(1, Math.round(envNumber('BENCH_CONNECTIONS', 50))),
  };
}

/** Case ids selected by `BENCH_CASES` (e.g. `a,b,c`), or null for all. */
export function selectedCaseIds(): Set<string> | null {
  const raw = process.env.BENCH_CASES?.trim();
  return raw ? new Set(raw.split(/[\s,]+/).map((id) => id.toLowerCase())) : null;
}
