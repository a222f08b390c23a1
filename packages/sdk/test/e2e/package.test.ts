/**
 * The package as a user gets it (issue #25 item 3): `npm pack -w @gatehouse/client` gives a tarball
 * that installs into an empty project (offline: jose comes from the repository's own copy, packed
 * beside it), loads there in plain Node with `import` and `require`, and type-checks a consumer
 * under strict TypeScript from its built declarations, with neither @gatehouse/contracts nor
 * TypeBox installed. In the repository, after `npm ci` (whose `prepare` builds `dist/`), it loads
 * from its built files too.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const JOSE = dirname(fileURLToPath(import.meta.resolve('jose/package.json')));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** Runs npm in `cwd` and returns what it printed last (the tarball's name for `npm pack`). */
async function npm(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(NPM, [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    timeout: 180_000,
  });
  return stdout.trim().split('\n').pop()!;
}

describe('the packed @gatehouse/client', () => {
  let root: string;
  let dist: string;
  let consumer: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'gatehouse-sdk-'));
    // The tarball, as `npm pack` makes it (its prepack builds dist/ when the sources changed).
    const client = await npm(ROOT, 'pack', '-w', '@gatehouse/client', '--pack-destination', root);
    const jose = await npm(root, 'pack', '--ignore-scripts', JOSE);
    // An empty project that installs it, offline.
    consumer = join(root, 'consumer');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await npm(consumer, 'install', '--offline', join(root, jose), join(root, client));
    dist = join(consumer, 'node_modules/@gatehouse/client');
  }, 300_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('holds built files only, depends on jose only, and never names the private contracts', () => {
    const manifest = JSON.parse(readFileSync(join(dist, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      name: '@gatehouse/client',
      type: 'module',
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    });
    expect(Object.keys(manifest.dependencies as object)).toEqual(['jose']);
    const shipped = files(dist).map((f) => f.slice(dist.length + 1));
    expect(shipped.filter((f) => !f.startsWith('dist/')).sort()).toEqual(['README.md', 'package.json']);
    expect(shipped.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    for (const file of files(dist).filter((f) => /\.(js|d\.ts)$/.test(f)))
      expect(readFileSync(file, 'utf8'), file).not.toContain('@gatehouse/contracts');
    expect(readFileSync(join(dist, 'dist/contracts.d.ts'), 'utf8')).toContain(
      "export type TokenResponse = { issued_token_type?: string | undefined; access_token: string; token_type: 'Bearer' | 'DPoP'; expires_in: number; scope: string; };",
    );
  });

  it('loads with require() in a CommonJS consumer (Node >= 20.19 loads ES modules with require)', async () => {
    const { stdout } = await run(
      process.execPath,
      ['-e', "const m = require('@gatehouse/client'); console.log(typeof m.createTokenSource)"],
      { cwd: consumer },
    );
    expect(stdout.trim()).toBe('function');
  });

  it('loads in plain Node in the repository, from its built files', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('@gatehouse/client'); console.log(import.meta.resolve('@gatehouse/client'), typeof m.createVerifier)",
      ],
      { cwd: ROOT },
    );
    expect(stdout.trim()).toMatch(/\/packages\/sdk\/dist\/index\.js function$/);
  });

  it('loads in Node from the consumer', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('@gatehouse/client'); console.log(typeof m.createTokenSource, typeof m.createVerifier)",
      ],
      { cwd: consumer },
    );
    expect(stdout.trim()).toBe('function function');
  });

  it('type-checks a consumer, and catches a wrongly typed token response', () => {
    const file = join(consumer, 'use.ts');
    writeFileSync(
      file,
      [
        "import { createTokenSource, type TokenResponse, type Self } from '@gatehouse/client';",
        "const ok: TokenResponse = { access_token: 'a', token_type: 'Bearer', expires_in: 3600, scope: 'media:read' };",
        "const source = createTokenSource({ issuer: 'https://auth.example.com', clientId: 'id', clientSecret: 'secret' });",
        'export const token: Promise<string> = source.getToken();',
        "export const kind = (self: Self): string => (self.type === 'customer' ? self.id : self.type);",
        '// @ts-expect-error expires_in is a number of seconds',
        "export const bad: TokenResponse = { ...ok, expires_in: '3600' };",
        '',
      ].join('\n'),
    );
    const program = ts.createProgram([file], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      strict: true,
      types: [],
      noEmit: true,
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });
});
