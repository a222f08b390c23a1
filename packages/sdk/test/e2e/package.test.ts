/**
 * The publishable package: `npm run build -w @gatehouse/client` writes a package that depends on
 * jose only, loads in Node without the workspace, and type-checks in a consumer project that has
 * nothing but jose beside it (no @gatehouse/contracts, no TypeBox).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SDK = fileURLToPath(new URL('../..', import.meta.url));
const JOSE = dirname(fileURLToPath(import.meta.resolve('jose/package.json')));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe('the published @gatehouse/client', () => {
  let root: string;
  let dist: string;
  let consumer: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'gatehouse-sdk-'));
    // A consumer with only the package (built straight into its node_modules) and jose installed.
    consumer = join(root, 'consumer');
    dist = join(consumer, 'node_modules/@gatehouse/client');
    mkdirSync(dirname(dist), { recursive: true });
    await run(process.execPath, [join(SDK, 'scripts/build.mjs'), dist], { timeout: 120_000 });
    symlinkSync(JOSE, join(consumer, 'node_modules/jose'), 'dir');
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ type: 'module' }));
  }, 180_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('has a manifest pointing at built files, depends on jose only, and never names the private contracts', () => {
    const manifest = JSON.parse(readFileSync(join(dist, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      name: '@gatehouse/client',
      type: 'module',
      exports: { '.': { types: './index.d.ts', default: './index.js' } },
    });
    expect(Object.keys(manifest.dependencies as object)).toEqual(['jose']);
    expect(manifest.private).toBeUndefined();
    for (const file of files(dist).filter((f) => /\.(js|d\.ts)$/.test(f)))
      expect(readFileSync(file, 'utf8'), file).not.toContain('@gatehouse/contracts');
    expect(readFileSync(join(dist, 'contracts.d.ts'), 'utf8')).toContain(
      "export type TokenResponse = { issued_token_type?: string | undefined; access_token: string; token_type: 'Bearer' | 'DPoP'; expires_in: number; scope: string; };",
    );
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
