// What a build output was made from: a SHA-256 over the path and contents of every source file of a
// target, written next to the output as a stamp. `build-if-changed.mjs` rebuilds a target only when
// the fingerprint of its sources differs from its stamp; `bin/gatehouse.mjs` runs the CLI bundle
// only when its stamp matches (otherwise it rebuilds first).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The build targets: their sources (files or folders, relative to the root), where the output and
 * its stamp go, and the command that builds them.
 */
export const TARGETS = {
  console: {
    sources: [
      'packages/console/src',
      'packages/console/index.html',
      'packages/console/vite.config.ts',
      'packages/console/package.json',
      'packages/contracts/src',
    ],
    stamp: 'packages/console/dist/.build-stamp',
    output: 'packages/console/dist/index.html',
    command: ['npm', ['run', 'build', '-w', '@gatehouse/console']],
  },
  cli: {
    sources: ['packages/cli/src', 'packages/cli/scripts/build.mjs', 'packages/server/src', 'packages/contracts/src'],
    stamp: 'packages/cli/dist/.build-stamp',
    output: 'packages/cli/dist/gatehouse.mjs',
    command: [process.execPath, [join(ROOT, 'packages/cli/scripts/build.mjs')]],
  },
  // The SDK's built package (`exports` of @gatehouse/client point here): built by the root's
  // `prepare` (so `npm ci` leaves it importable from plain Node) and before `npm pack`.
  sdk: {
    sources: [
      'packages/sdk/src',
      'packages/sdk/scripts/build.mjs',
      'packages/sdk/package.json',
      'packages/sdk/README.md',
      'packages/sdk/tsconfig.build.json',
      'packages/contracts/src',
    ],
    stamp: 'packages/sdk/dist/.build-stamp',
    output: 'packages/sdk/dist/index.js',
    command: [process.execPath, [join(ROOT, 'packages/sdk/scripts/build.mjs')]],
  },
};

function files(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name !== 'node_modules' && name !== 'dist' && !name.startsWith('.'))
    .flatMap((name) => files(join(path, name)));
}

/** The fingerprint (hex SHA-256) of a target's sources as they are now. */
export function fingerprint(target) {
  const hash = createHash('sha256');
  const all = target.sources
    .map((source) => join(ROOT, source))
    .filter((path) => existsSync(path))
    .flatMap(files)
    .sort();
  for (const path of all) {
    hash.update(relative(ROOT, path)).update('\0').update(readFileSync(path)).update('\0');
  }
  return hash.digest('hex');
}

/** True when the target's output exists and its stamp records `print`. */
export function upToDate(target, print = fingerprint(target)) {
  const stamp = join(ROOT, target.stamp);
  return existsSync(join(ROOT, target.output)) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === print;
}

/** Records that the target's output was built from sources with fingerprint `print`. */
export function writeStamp(target, print) {
  writeFileSync(join(ROOT, target.stamp), print + '\n');
}
