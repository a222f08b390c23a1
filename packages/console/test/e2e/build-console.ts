/**
 * Builds the console with Vite when `dist/` is missing or older than its sources, so the browser
 * tests always drive the current code. The build goes to a temporary folder (under the git-ignored `.vite/`) that then replaces
 * `dist/`, so a server starting meanwhile never sees half a build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist');

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** True when `dist/index.html` is missing or older than a source file. */
export function consoleBuildIsStale(): boolean {
  const index = join(DIST, 'index.html');
  if (!existsSync(index)) return true;
  const sources = Math.max(
    newest(join(ROOT, 'src')),
    ...['index.html', 'vite.config.ts', 'package.json', 'public'].map((f) => newest(join(ROOT, f))),
  );
  return sources > statSync(index).mtimeMs;
}

/** Runs `vite build` (the console's own Vite) when the build is stale. */
export function ensureConsoleBuilt(): void {
  if (!consoleBuildIsStale()) return;
  const vite = join(dirname(createRequire(join(ROOT, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
  const tmp = join(ROOT, '.vite', `build-${process.pid}`);
  try {
    execFileSync(process.execPath, [vite, 'build', '--outDir', tmp, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: ROOT,
      stdio: 'inherit',
      timeout: 120_000,
    });
    rmSync(DIST, { recursive: true, force: true });
    renameSync(tmp, DIST);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
