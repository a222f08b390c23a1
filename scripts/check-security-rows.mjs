#!/usr/bin/env node
// Lists the security rows without a test named after them (issue #24: every row keeps a test).
//
// Rows come from SECURITY.md: ../shared/SECURITY.md beside the repository (GATEHOUSE_SECURITY_MD
// overrides), else docs/security.md. A shared SECURITY.md numbers rows under section headings
// (`### A. …`, then `|1|…`: row A-1); docs/security.md writes the id in the row (`| A-1 | …`).
// A test is named after a row when its title (`it`, `test`, `describe`, or an `.each(…)(…)`
// title) holds the id, e.g. `it('G-72 a burst of bad assertions …')`.
//
// Rows of sections A–J have tests: one without fails the check, unless
// scripts/security-rows-not-built.txt names it (`ROW-ID reason`, one a line). Rows of later
// sections (K onwards, this round's and future features) are listed without failing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENFORCED = /^[A-J]-/;
const ALLOWLIST = join(ROOT, 'scripts/security-rows-not-built.txt');

/** The SECURITY.md to read: the override, the shared one beside the repository, or the repository's own. */
function securityFile() {
  const candidates = [
    process.env.GATEHOUSE_SECURITY_MD,
    join(ROOT, '../shared/SECURITY.md'),
    join(ROOT, 'docs/security.md'),
  ];
  const found = candidates.find((path) => path && existsSync(path));
  if (!found) throw new Error('no SECURITY.md: looked for ../shared/SECURITY.md and docs/security.md');
  return found;
}

/** Row ids in document order, in either format. */
export function rowIds(markdown) {
  const ids = [];
  let section;
  for (const line of markdown.split('\n')) {
    const heading = /^#{2,4}\s+([A-Z])\.\s/.exec(line);
    if (heading) {
      section = heading[1];
      continue;
    }
    const withId = /^\|\s*([A-Z]-\d+)\s*\|/.exec(line);
    if (withId) {
      ids.push(withId[1]);
      continue;
    }
    const numbered = /^\|\s*(\d+)\s*\|/.exec(line);
    if (numbered && section) ids.push(`${section}-${numbered[1]}`);
  }
  return [...new Set(ids)];
}

/** Every `*.test.ts` under the workspaces, skipping node_modules and build output. */
function testFiles(dir = ROOT, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', '.git', 'coverage', 'test-results'].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) testFiles(path, out);
    else if (entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** A test title: the first string argument of `it(`, `test(`, `describe(` (with modifiers) or of `…)(` after `.each(…)`. */
const TITLE = /(?:\b(?:it|test|describe)(?:\.\w+)*|\))\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
const ID = /\b([A-Z]-\d{1,3})\b/g;

/** Row id → the files with a test named after it. */
export function namedRows(files) {
  const named = new Map();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const title of text.matchAll(TITLE))
      for (const [id] of title[2].matchAll(ID)) {
        if (!named.has(id)) named.set(id, new Set());
        named.get(id).add(relative(ROOT, file));
      }
  }
  return named;
}

/** Row id → reason, from the allowlist of rows not built yet. */
function notBuilt() {
  if (!existsSync(ALLOWLIST)) return new Map();
  const entries = new Map();
  for (const line of readFileSync(ALLOWLIST, 'utf8').split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const [id, ...reason] = trimmed.split(/\s+/);
    if (!reason.length) throw new Error(`${relative(ROOT, ALLOWLIST)}: ${id} needs a reason`);
    entries.set(id, reason.join(' '));
  }
  return entries;
}

function main() {
  const source = securityFile();
  const rows = rowIds(readFileSync(source, 'utf8'));
  const named = namedRows(testFiles());
  const allowed = notBuilt();
  const missing = rows.filter((id) => !named.has(id));
  const failing = missing.filter((id) => ENFORCED.test(id) && !allowed.has(id));
  const stale = [...allowed.keys()].filter((id) => named.has(id));

  console.log(
    `security rows: ${rows.length} in ${relative(ROOT, source) || source}, ${rows.length - missing.length} with a test named after them`,
  );
  for (const id of missing) {
    const why = allowed.has(id)
      ? `listed as not built: ${allowed.get(id)}`
      : ENFORCED.test(id)
        ? 'NO TEST (rows A–J must have one)'
        : 'no test yet';
    console.log(`  ${id.padEnd(6)} ${why}`);
  }
  for (const id of stale) console.log(`  ${id.padEnd(6)} has a test now: remove it from ${relative(ROOT, ALLOWLIST)}`);
  if (failing.length) {
    console.error(`check-security-rows: ${failing.length} row(s) of A–J without a test: ${failing.join(', ')}`);
    process.exitCode = 1;
  }
}

main();
