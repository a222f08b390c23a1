// Bundles the CLI and the Gatehouse packages it runs (@gatehouse/*, TypeScript sources) into
// dist/gatehouse.mjs, leaving every other package to node_modules. `npm start` and the benchmark
// run this bundle: no TypeScript loader in the process (about 35 MB less resident memory), while
// `bin/gatehouse.js` keeps running the sources through tsx for development and tests.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

await build({
  entryPoints: [`${root}packages/cli/src/run.ts`],
  outfile: `${root}packages/cli/dist/gatehouse.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  alias: {
    '@gatehouse/server': `${root}packages/server/src/index.ts`,
    '@gatehouse/contracts': `${root}packages/contracts/src/index.ts`,
  },
  sourcemap: 'linked',
  logLevel: 'warning',
});
