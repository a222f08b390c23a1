/**
 * `gatehouse api …` and `gatehouse integration grant|revoke-grant` (in-process) on the store
 * of a running server: what they change is honoured by the server; errors are one line with a
 * non-zero exit, never a stack trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { cliFor } from './helpers/cli.js';
import { settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { token } from '@gatehouse/testing/http';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const AUD = 'https://invoices.example';
const SLOW = 240_000;

describe.each(HTTP_STORE_KINDS)('gatehouse api (%s)', (kind) => {
  let t: TestServer;
  let cli: (...args: string[]) => Promise<{ stdout: string; stderr: string }>;
  const json = async <T>(...args: string[]) => JSON.parse((await cli(...args, '--json')).stdout) as T;
  beforeAll(async () => {
    t = await startTestServer(kind);
    cli = cliFor(t);
  });
  afterAll(() => t.close());

  it(
    'create (space-separated scopes become separate scopes), list, show, update and delete',
    async () => {
      const created = await json<{ audience: string; scopes: { value: string; description: string }[] }>(
        'api',
        'create',
        '--env',
        'default',
        '--name',
        'Invoices',
        '--audience',
        AUD,
        '--scopes',
        'invoices:read invoices:write',
        '--scope',
        'invoices:export=Export invoices',
      );
      expect(created.scopes).toEqual([
        { value: 'invoices:read', description: '' },
        { value: 'invoices:write', description: '' },
        { value: 'invoices:export', description: 'Export invoices' },
      ]);
      const list = await json<{ audience: string; built_in: boolean }[]>('api', 'list', '--env', 'default');
      expect(list.map((a) => a.built_in)).toEqual([true, false]);
      expect(list[1]!.audience).toBe(AUD);
      expect((await cli('api', 'show', AUD, '--env', 'default')).stdout).toContain('invoices:export  Export invoices');

      const updated = await json<{ name: string; scopes: { value: string; description: string }[] }>(
        'api',
        'update',
        AUD,
        '--env',
        'default',
        '--name',
        'Billing',
        '--add-scope',
        'invoices:void=Void an invoice',
        '--remove-scope',
        'invoices:export',
        '--scope',
        'invoices:read=Read invoices',
      );
      expect(updated.name).toBe('Billing');
      expect(updated.scopes).toEqual([
        { value: 'invoices:read', description: 'Read invoices' },
        { value: 'invoices:write', description: '' },
        { value: 'invoices:void', description: 'Void an invoice' },
      ]);
      const replaced = await json<{ scopes: { value: string; description: string }[] }>(
        'api',
        'update',
        AUD,
        '--env',
        'default',
        '--scopes',
        'invoices:read,invoices:write',
      );
      expect(replaced.scopes).toEqual([
        { value: 'invoices:read', description: 'Read invoices' },
        { value: 'invoices:write', description: '' },
      ]);
      expect((await cli('api', 'delete', AUD, '--env', 'default', '--yes')).stdout).toContain(`Deleted ${AUD}`);
      await expect(cli('api', 'show', AUD, '--env', 'default')).rejects.toMatchObject({
        code: 1,
        stderr: 'gatehouse: API not found\n',
      });
    },
    SLOW,
  );

  it(
    'integration grant and revoke-grant change what tokens for the API carry; delete needs --force while granted',
    async () => {
      const aud = 'https://grants.example';
      await cli(
        'api',
        'create',
        '--env',
        'default',
        '--name',
        'Grants',
        '--audience',
        aud,
        '--scopes',
        'g:read g:write',
      );
      const c = await json<{ client_id: string; client_secret: string }>(
        'integration',
        'create',
        '--env',
        'default',
        '--name',
        'granted',
        '--scopes',
        'media:read',
      );
      const granted = await json<{ grants: { audience: string; scopes: string[] }[] }>(
        'integration',
        'grant',
        c.client_id,
        '--audience',
        aud,
        '--scopes',
        'g:read g:write',
      );
      expect(granted.grants.map((g) => g.scopes)).toEqual([['media:read'], ['g:read', 'g:write']]);
      expect(granted.grants[1]!.audience).toBe(aud);
      // The CLI committed; the server applies the change feed (no wait on the clock: settle).
      await settle(t);
      expect((await token(t.url, c.client_id, c.client_secret, { audience: aud })).body.scope).toBe('g:read g:write');
      const reduced = await json<{ grants: { audience: string; scopes: string[] }[] }>(
        'integration',
        'revoke-grant',
        c.client_id,
        '--audience',
        aud,
        '--scopes',
        'g:write',
      );
      expect(reduced.grants[1]).toEqual({ audience: aud, scopes: ['g:read'] });
      await settle(t);
      expect((await token(t.url, c.client_id, c.client_secret, { audience: aud })).body.scope).toBe('g:read');

      const refused = cli('api', 'delete', aud, '--env', 'default', '--yes');
      await expect(refused).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining(c.client_id) });
      const forced = await json<{ affected_integrations: string[] }>(
        'api',
        'delete',
        aud,
        '--env',
        'default',
        '--force',
        '--yes',
      );
      expect(forced.affected_integrations).toEqual([c.client_id]);
      expect((await json<{ grants: unknown[] }>('integration', 'show', c.client_id)).grants).toHaveLength(1);
    },
    SLOW,
  );

  it(
    'errors are one clear line with a non-zero exit, never a stack trace',
    async () => {
      await cli(
        'api',
        'create',
        '--env',
        'default',
        '--name',
        'E',
        '--audience',
        'https://e.example',
        '--scopes',
        'e:read',
      );
      const builtIn = (await json<{ id: string; built_in: boolean }[]>('api', 'list', '--env', 'default')).find(
        (a) => a.built_in,
      )!;
      const c = await json<{ client_id: string }>(
        'integration',
        'create',
        '--env',
        'default',
        '--name',
        'e',
        '--scopes',
        'media:read',
      );
      const cases: [string[], string][] = [
        [
          ['integration', 'grant', c.client_id, '--audience', 'https://e.example', '--scopes', 'e:write'],
          'unknown scope "e:write" for https://e.example',
        ],
        [
          ['integration', 'grant', c.client_id, '--audience', 'https://nope.example', '--scopes', 'x'],
          'unknown audience',
        ],
        [['integration', 'revoke-grant', c.client_id, '--audience', 'https://e.example'], 'holds no grant'],
        [
          [
            'api',
            'create',
            '--env',
            'default',
            '--name',
            'Q',
            '--audience',
            'https://q.example',
            '--scope',
            'bad"scope',
          ],
          'invalid scope',
        ],
        [
          ['api', 'create', '--env', 'default', '--name', 'Q', '--audience', 'https://q.example', '--scopes', 'a a'],
          'given twice',
        ],
        [
          ['api', 'update', 'https://e.example', '--env', 'default', '--remove-scope', 'e:nope'],
          'has no scope "e:nope"',
        ],
        [['api', 'update', 'https://e.example', '--env', 'default'], 'nothing to change'],
        [['api', 'delete', builtIn.id, '--env', 'default', '--yes'], 'built in'],
        [['api', 'list', '--env', 'nope'], 'environment "nope" not found; the environments are: default'],
      ];
      for (const [args, message] of cases) {
        const err = (await cli(...args).then(
          () => undefined,
          (e: unknown) => e,
        )) as { code: number; stderr: string } | undefined;
        expect(err, args.join(' ')).toBeDefined();
        expect(err!.code).toBe(1);
        expect(err!.stderr).toContain(message);
        expect(err!.stderr.trim().split('\n')).toHaveLength(1);
        expect(err!.stderr).not.toMatch(/\n\s+at /);
      }
    },
    SLOW,
  );

  it(
    'env remove-public-key removes a key; env delete needs the slug typed again and never deletes the last one',
    async () => {
      await cli('env', 'create', 'gone', '--name', 'Gone');
      const dir = mkdtempSync(join(tmpdir(), 'gatehouse-key-'));
      try {
        const file = join(dir, 'key.pem');
        writeFileSync(
          file,
          generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
            type: 'spki',
            format: 'pem',
          }) as string,
        );
        const added = await json<{ id: string }>(
          'env',
          'add-public-key',
          'gone',
          '--alg',
          'ES256',
          '--file',
          file,
          '--kid',
          'k1',
        );
        expect(
          await json<{ id: string; removed: boolean }>('env', 'remove-public-key', 'gone', added.id, '--yes'),
        ).toEqual({ id: added.id, removed: true });
        await expect(cli('env', 'remove-public-key', 'gone', added.id, '--yes')).rejects.toMatchObject({
          code: 1,
          stderr: 'gatehouse: public key not found\n',
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      await expect(cli('env', 'delete', 'gone')).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining('--confirm gone'),
      });
      await expect(cli('env', 'delete', 'gone', '--confirm', 'default')).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining('nothing was deleted'),
      });
      const deleted = await json<{ slug: string; integrations: number }>('env', 'delete', 'gone', '--confirm', 'gone');
      expect(deleted).toMatchObject({ slug: 'gone', integrations: 0 });
      expect((await json<{ slug: string }[]>('env', 'list')).map((e) => e.slug)).toEqual(['default']);
      await expect(cli('env', 'delete', 'default', '--yes')).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining("the last environment can't be deleted"),
      });
    },
    SLOW,
  );
});
