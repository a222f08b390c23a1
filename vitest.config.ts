import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Workspace packages that ship built files (`@gatehouse/client`: `dist/`, built by its `prepare`
 * script) name their TypeScript sources under this export condition; tests run the sources, so an
 * edit is tested without a rebuild. tsconfig.base.json's `customConditions` does the same for tsc.
 */
const SOURCE_CONDITION = 'gatehouse:source';

/**
 * Files that take far longer than their size says (sweeps over every console screen, floods), by
 * the end of their path, longest first. Vitest starts the files that ran longest last time first,
 * but a clean clone has no last time: it then starts the largest files first, and these would start
 * last and run alone at the end while the other worker idles.
 */
const LONGEST = [
  'console/test/e2e/accessibility.test.ts',
  'console/test/e2e/accessibility-new-screens.test.ts',
  'cli/test/e2e/cli-config.test.ts',
  'console/test/e2e/keyboard-new-screens.test.ts',
  'server/test/openapi-fuzz.test.ts',
  'server/test/bounded-growth.test.ts',
];

/** Vitest's order (projects in their group order), with each project's {@link LONGEST} files first. */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = LONGEST.findIndex((end) => f.moduleId.endsWith(end));
      return i < 0 ? LONGEST.length : i;
    };
    const projectAt = new Map<string, number>();
    sorted.forEach((f, i) => projectAt.has(f.project.name) || projectAt.set(f.project.name, i));
    return sorted
      .map((f, i) => ({ f, i, at: projectAt.get(f.project.name)! }))
      .sort((a, b) => a.at - b.at || rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}

/** Where every workspace keeps its tests. */
const TEST_ROOTS = ['packages/*/test', 'examples/*/test', 'bench/test'];
const under = (folder: string) => TEST_ROOTS.map((root) => `${root}/${folder}**/*.test.ts`);

/**
 * One test run for every workspace, in three projects (issue #24). A file's folder names its project:
 *
 * - `unit` — files under a `test/unit/` folder: no server, no process, no network.
 * - `e2e` — files under a `test/e2e/` folder: a browser, interop with Python and other languages'
 *   clients, the CLI as a process, building a package; two at a time. Those under `test/e2e/serial/`
 *   (`e2e-serial`) run alone, last: process faults (kill -9, a stopped store), several processes or
 *   nodes, real time as the subject (slow clients, timing), the soak.
 * - `integration` — every other `*.test.ts`: in-process servers (`startTestServer`, `app.inject`);
 *   those under a `test/isolated/` folder (they replace modules with `vi.mock`) in `integration-isolated`.
 *
 * `npm test` runs them all; `npm run test:fast` runs `unit` and both `integration` projects (the edit loop).
 * Server tests start real servers on ephemeral ports; PostgreSQL variants run when
 * GATEHOUSE_TEST_DATABASE_URL is set (each file gets its own schema), Redis throttling ones when
 * GATEHOUSE_TEST_REDIS_URL is; the run says which ran and which were skipped.
 */
export default defineConfig({
  resolve: { conditions: [SOURCE_CONDITION, ...defaultClientConditions] },
  // Without Vite's `module` condition: Vitest passes these to its Node workers as `--conditions`,
  // and with `module` even `require('@opentelemetry/api')` got its ESM build, which Node can't load
  // (extensionless imports). Node in production resolves without it too.
  ssr: {
    resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions.filter((c) => c !== 'module')] },
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time: most of a server test's time is waiting (sockets, the store, Argon2 in the
    // pool), so two workers keep the two cores busy where Vitest's default (cores - 1) kept one.
    maxWorkers: 2,
    globalSetup: ['packages/testing/src/report-stores.ts', 'packages/testing/src/sqlite-template.ts'],
    reporters: ['default'],
    sequence: { sequencer: LongestFirst },
    // `--coverage` measures the code the tests guard (issue #24: no file may lose coverage).
    coverage: {
      provider: 'v8',
      include: ['packages/server/src/**/*.ts', 'packages/sdk/src/**/*.ts', 'packages/cli/src/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      // A test that times out on a loaded machine must not cost the whole run's measurement.
      reportOnFailure: true,
    },
    projects: [
      // No file here replaces a module or a global: they share their worker's modules, as below.
      { extends: true, test: { name: 'unit', include: under('unit/'), isolate: false, sequence: { groupOrder: 0 } } },
      // Files share their worker's module cache (`isolate: false`): the server's modules are imported
      // once per worker instead of once per file, which was most of this project's time. Every
      // file starts its own server on its own store, so no state crosses files but module-level
      // constants. A file that replaces a module (`vi.mock`) needs a fresh registry: it goes in a
      // `test/isolated/` folder, run by the next project.
      {
        extends: true,
        test: {
          name: 'integration',
          include: under(''),
          exclude: ['**/node_modules/**', '**/test/unit/**', '**/test/e2e/**', '**/test/isolated/**'],
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'integration-isolated', include: under('isolated/'), sequence: { groupOrder: 0 } },
      },
      // After the others, two files at a time: a browser test or a client in another language mostly
      // waits (on Chromium, on the server, on a child process), so two of them share the cores well.
      // Files share their worker (`isolate: false`): the server's modules are imported once, and
      // one Chromium per worker serves every file, each in a fresh browser context (browser.ts).
      {
        extends: true,
        test: {
          name: 'e2e',
          include: under('e2e/'),
          exclude: ['**/node_modules/**', '**/test/e2e/serial/**'],
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
      // Last, one file at a time: time, sockets and processes are their subject (timing medians,
      // timeouts, kill -9, drain, several nodes, the soak), and a neighbour's load would move what
      // they measure.
      {
        extends: true,
        test: {
          name: 'e2e-serial',
          include: under('e2e/serial/'),
          fileParallelism: false,
          // One worker runs them all, importing the server's modules once instead of once per file
          // (several seconds each): each file starts its own servers and processes.
          isolate: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
