/**
 * Vitest global setup: says which store variants this run covers and which it skips, at the start
 * and at the end of the run, so a missing PostgreSQL or Redis never goes unnoticed (issue 19).
 * SQLite always runs; PostgreSQL with GATEHOUSE_TEST_DATABASE_URL; Redis throttling with
 * GATEHOUSE_TEST_REDIS_URL (see `stores.ts` and `backends.ts`).
 * @packageDocumentation
 */

/** One line: `stores: sqlite ✓, postgresql ✓ (GATEHOUSE_TEST_DATABASE_URL), redis ✗ (unset: GATEHOUSE_TEST_REDIS_URL)`. */
export function storeVariantsLine(env: NodeJS.ProcessEnv = process.env): string {
  const variant = (name: string, variable: string) =>
    env[variable] ? `${name} ✓ (${variable})` : `${name} ✗ (unset: ${variable}, skipped)`;
  return `stores: sqlite ✓, ${variant('postgresql', 'GATEHOUSE_TEST_DATABASE_URL')}, ${variant('redis', 'GATEHOUSE_TEST_REDIS_URL')}`;
}

/**
 * Set once this run has printed the line: the root config and each project run the setup, each
 * loading this module anew (issue #24), so the mark lives on the process.
 */
const REPORTED = Symbol.for('gatehouse.test.storesReported');
const marks = globalThis as { [REPORTED]?: boolean };

/** Prints the line before the run; the returned teardown prints it again after. Once per run, however many projects. */
export default function setup(): () => void {
  if (marks[REPORTED]) return () => {};
  marks[REPORTED] = true;
  const line = storeVariantsLine();
  process.stdout.write(`\n${line}\n\n`);
  return () => {
    process.stdout.write(`\n${line}\n`);
  };
}
