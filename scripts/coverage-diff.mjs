#!/usr/bin/env node
// Compares two coverage summaries (`vitest run --coverage --coverage.reporter=json-summary`, the
// file coverage/coverage-summary.json) per file and per package: issue #24 lets no file lose more
// than 1 point of line or branch coverage.
// Usage: node scripts/coverage-diff.mjs BEFORE.json AFTER.json [--max-drop 1]
// Exit code 1 when a file's line or branch coverage dropped by more than --max-drop points.
import { readFileSync } from 'node:fs';

const [beforePath, afterPath, ...rest] = process.argv.slice(2);
if (!beforePath || !afterPath) {
  console.error('usage: node scripts/coverage-diff.mjs BEFORE.json AFTER.json [--max-drop 1]');
  process.exit(2);
}
const maxDrop = rest[0] === '--max-drop' ? Number(rest[1]) : 1;
const before = JSON.parse(readFileSync(beforePath, 'utf8'));
const after = JSON.parse(readFileSync(afterPath, 'utf8'));

/** `…/packages/server/src/x.ts` → `packages/server/src/x.ts` (the two runs may sit in different folders). */
const key = (path) => path.replace(/^.*?(?=(packages|examples|bench)\/)/, '');
const byKey = (summary) =>
  new Map(
    Object.entries(summary)
      .filter(([p]) => p !== 'total')
      .map(([p, v]) => [key(p), v]),
  );
const b = byKey(before);
const a = byKey(after);

/** Percent of `metric` over the files of `map` under `prefix`. */
function total(map, prefix, metric) {
  let covered = 0;
  let all = 0;
  for (const [path, v] of map)
    if (path.startsWith(prefix)) {
      covered += v[metric].covered;
      all += v[metric].total;
    }
  return all ? (100 * covered) / all : 100;
}

for (const prefix of ['packages/server/src/', 'packages/sdk/src/', 'packages/cli/src/']) {
  const row = ['lines', 'branches'].map(
    (m) => `${m} ${total(b, prefix, m).toFixed(2)} → ${total(a, prefix, m).toFixed(2)}`,
  );
  console.log(`${prefix.padEnd(22)} ${row.join(', ')}`);
}

const drops = [];
for (const [path, v] of b) {
  const now = a.get(path);
  for (const metric of ['lines', 'branches']) {
    const was = v[metric].pct;
    const is = now ? now[metric].pct : 0;
    if (was - is > maxDrop) drops.push(`${path} ${metric} ${was} → ${is}`);
  }
}
if (drops.length) {
  console.log(`\nfiles that lost more than ${maxDrop} point(s):`);
  for (const d of drops) console.log(`  ${d}`);
  process.exitCode = 1;
} else console.log(`\nno file lost more than ${maxDrop} point(s) of line or branch coverage`);
