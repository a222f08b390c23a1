// Builds the named targets (`console`, `cli`, `sdk`) only when their sources changed since the last build
// (see fingerprint.mjs). `npm start` and `npm test` run it first, so a second start with nothing
// changed builds nothing. GATEHOUSE_FORCE_BUILD=1 builds anyway.
//
//   node packages/cli/scripts/build-if-changed.mjs console cli
import { spawnSync } from 'node:child_process';
import { fingerprint, ROOT, TARGETS, upToDate, writeStamp } from './fingerprint.mjs';

const names = process.argv.slice(2);
for (const name of names) {
  const target = TARGETS[name];
  if (!target) {
    console.error(`build-if-changed: unknown target "${name}" (known: ${Object.keys(TARGETS).join(', ')})`);
    process.exit(2);
  }
  const before = fingerprint(target);
  if (process.env.GATEHOUSE_FORCE_BUILD !== '1' && upToDate(target, before)) {
    console.log(`${name}: up to date, not rebuilt`);
    continue;
  }
  const started = Date.now();
  const [command, args] = target.command;
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  // Sources edited during the build are not in this output: record what was there before it started.
  writeStamp(target, before);
  console.log(`${name}: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
