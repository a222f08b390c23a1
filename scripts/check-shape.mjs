#!/usr/bin/env node
/**
 * The CI shape check of packages/server/src (issue #16 item 8). Fails (exit 1) when:
 *
 * 1. `kysely` is imported outside `store/` (dependency-cruiser rule `kysely-outside-store`,
 *    .dependency-cruiser.mjs);
 * 2. a Kysely handle is used outside `store/`: `ctx.db` / `rt.ctx.db` / `store.db` in source
 *    (the one exception: runtime.ts hands `store.db` to `Context.db`, which only the CLI and
 *    tests use);
 * 3. the folders of packages/server/src import each other in a cycle. A node is the first path
 *    segment under src/ (`store`, `services`, `auth`, …); each file directly in src/ (`runtime.ts`,
 *    `context.ts`, …) is a node of its own, so a root file that only wires folders together does
 *    not merge them into one "root" node. Type-only imports count: they couple folders too.
 *
 * Usage: `node scripts/check-shape.mjs` from the repository root.
 */
import { readFileSync } from 'node:fs';
import { cruise } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import config from '../.dependency-cruiser.mjs';

const SRC = 'packages/server/src/';

const result = await cruise(
  [SRC],
  { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true },
  undefined,
  { tsConfig: extractTSConfig(config.options.tsConfig.fileName) },
);
const { modules, summary } = result.output;
const problems = [];

// 1. Forbidden imports.
for (const v of summary.violations) problems.push(`${v.rule.name}: ${v.from} → ${v.to}`);

// 2. Kysely handles used outside store/.
const HANDLE = /\b(?:ctx|store)\.db\b/;
const ALLOWED = new Set([`${SRC}runtime.ts:db: store.db`]);
for (const m of modules) {
  if (!m.source.startsWith(SRC) || m.source.startsWith(`${SRC}store/`) || !m.source.endsWith('.ts')) continue;
  readFileSync(m.source, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
      if (!HANDLE.test(code)) return;
      if ([...ALLOWED].some((a) => a.startsWith(`${m.source}:`) && code.includes(a.slice(m.source.length + 1)))) return;
      problems.push(`kysely-handle-outside-store: ${m.source}:${i + 1}: ${line.trim()}`);
    });
}

// 3. Folder-level cycles.
const node = (path) => {
  const rest = path.slice(SRC.length);
  const slash = rest.indexOf('/');
  return slash === -1 ? rest : rest.slice(0, slash);
};
const edges = new Map();
const via = new Map();
for (const m of modules) {
  if (!m.source.startsWith(SRC)) continue;
  const from = node(m.source);
  if (!edges.has(from)) edges.set(from, new Set());
  for (const d of m.dependencies) {
    if (!d.resolved.startsWith(SRC)) continue;
    const to = node(d.resolved);
    if (to === from) continue;
    edges.get(from).add(to);
    if (!via.has(`${from}>${to}`))
      via.set(`${from}>${to}`, `${m.source.slice(SRC.length)} → ${d.resolved.slice(SRC.length)}`);
  }
}
// Tarjan's strongly connected components: every component of more than one node is a cycle.
let index = 0;
const idx = new Map();
const low = new Map();
const stack = [];
const on = new Set();
const components = [];
const visit = (v) => {
  idx.set(v, index);
  low.set(v, index++);
  stack.push(v);
  on.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!idx.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      on.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) components.push(component.sort());
  }
};
for (const v of [...edges.keys()].sort()) if (!idx.has(v)) visit(v);
for (const component of components) {
  const members = new Set(component);
  const links = component.flatMap((a) =>
    [...(edges.get(a) ?? [])].filter((b) => members.has(b)).map((b) => `    ${a} → ${b}  (${via.get(`${a}>${b}`)})`),
  );
  problems.push(`folder-cycle: ${component.join(', ')}\n${links.join('\n')}`);
}

if (problems.length) {
  console.error(
    `check:shape found ${problems.length} problem(s) in ${SRC}:\n${problems.map((p) => `- ${p}`).join('\n')}`,
  );
  process.exit(1);
}
console.log(
  `check:shape: ${modules.filter((m) => m.source.startsWith(SRC)).length} modules, no kysely or Kysely handle outside store/, no folder-level cycle.`,
);
