#!/usr/bin/env node
// The `gatehouse` command (`npx gatehouse …`): runs the CLI bundle, dist/gatehouse.mjs, without a
// TypeScript loader. When the bundle is missing or older than the sources (its stamp doesn't
// match), it is rebuilt first (about a second with esbuild). `bin/gatehouse.js` runs the sources
// through tsx instead (tests and debugging).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fingerprint, ROOT, TARGETS, upToDate, writeStamp } from '../scripts/fingerprint.mjs';

const target = TARGETS.cli;
const print = fingerprint(target);
if (!upToDate(target, print)) {
  const [command, args] = target.command;
  const built = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) {
    process.stderr.write('gatehouse: building the CLI bundle failed (see above)\n');
    process.exit(built.status ?? 1);
  }
  writeStamp(target, print);
}
await import(pathToFileURL(join(ROOT, target.output)).href);
