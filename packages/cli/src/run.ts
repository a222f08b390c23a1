/** Entry of the CLI bundle (`dist/gatehouse.mjs`, built by `scripts/build.mjs`): runs the CLI on this process's arguments. */
import { main } from './main.js';

await main(process.argv);
