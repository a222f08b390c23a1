/**
 * `npm run bench`: runs every case in turn (each server in its own process), prints the table
 * and which of the targets hold, and writes both as JSON to
 * `bench/results/<timestamp>.json`.
 *
 * Environment: `BENCH_DURATION` seconds per case (default 5), `BENCH_WARMUP` seconds (default 1),
 * `BENCH_CONNECTIONS` (default 50), `BENCH_CASES` ids to run (e.g. `a,b`; default all).
 * @packageDocumentation
 */
import { ALL_CASES } from './cases/index.js';
import { benchOptions, selectedCaseIds } from './options.js';
import { RESULTS_DIR } from './paths.js';
import { buildReport, formatTable, machineInfo, writeReport } from './report.js';
import { runCase } from './run-case.js';
import { checkTargets, formatCosts, formatTargets } from './targets.js';
import type { CaseResult } from './types.js';

const options = benchOptions();
const selected = selectedCaseIds();
const cases = ALL_CASES.filter((c) => !selected || selected.has(c.id));
const startedAt = new Date();
const machine = machineInfo();
const results: CaseResult[] = [];

console.log(
  `Gatehouse bench: ${cases.length} case(s), ${options.connections} connections, ` +
    `${options.warmupSeconds} s warm-up + ${options.durationSeconds} s each, Node ${process.version}, ` +
    `${machine.cpus} CPUs, load average ${machine.load_average_1m?.toFixed(2)}`,
);
for (const benchCase of cases) {
  process.stdout.write(`  ${benchCase.name} … `);
  const result = await runCase(benchCase, options);
  results.push(result);
  console.log(
    result.status === 'ok' ? `${Math.round(result.metrics.requestsPerSecond)} req/s` : `skipped: ${result.reason}`,
  );
}

const targets = checkTargets(results);
console.log(`\n${formatTable(results)}\n\n${formatTargets(targets)}\n\n${formatCosts(results)}\n`);
const report = { ...buildReport(results, options, startedAt, machine), targets };
const file = writeReport(report, RESULTS_DIR);
console.log(`results written to ${file}`);
// Every server was stopped by its teardown; exit even if a stray handle (e.g. a socket) lingers.
process.exit(0);
