/**
 * Well-known paths of the repository, resolved from this file (independent of the working directory).
 * @packageDocumentation
 */
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (`/work/main` in the dev container). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Folder of the JSON result files (git-ignored except `.gitkeep`). */
export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/**
 * The Gatehouse CLI as `npm start` runs it: the bundle `npm run build -w @gatehouse/cli` writes (no TypeScript loader).
 * `BENCH_GATEHOUSE_BIN` names another build's bundle, to measure an earlier commit with this harness, back to back.
 */
export const GATEHOUSE_BIN =
  process.env.BENCH_GATEHOUSE_BIN || fileURLToPath(new URL('../../packages/cli/dist/gatehouse.mjs', import.meta.url));

/** Absolute path of a child-server entry under `bench/src/servers/`. */
export function serverEntry(fileName: string): string {
  return fileURLToPath(new URL(`./servers/${fileName}`, import.meta.url));
}
