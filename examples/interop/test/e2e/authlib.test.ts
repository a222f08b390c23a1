/**
 * Python's authlib (Debian `python3-authlib`, with `requests`) against a real Gatehouse (issue 17
 * Deliver 5c; docs/security.md I-85): `OAuth2Session` with `PrivateKeyJWT` gets a token with
 * `private_key_jwt` (aud = the token endpoint, no `kid` header) and the token reads the
 * Environment API. authlib's default assertion lifetime (one hour) is refused: Gatehouse takes
 * `exp` at most 5 minutes ahead.
 * Runs `python3`, else `/usr/bin/python3` (Debian's packages live there when pyenv shadows it);
 * the tests are skipped, saying why, only when neither can import authlib and requests.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { settle, startGatehouse, type TestServer } from '@gatehouse/testing/gatehouse';
import { WallClock } from '@gatehouse/testing/wall-clock';

const SCRIPT = fileURLToPath(new URL('../authlib_client.py', import.meta.url));

/** The first interpreter that imports authlib and requests, or undefined. */
function findPython(): string | undefined {
  return ['python3', '/usr/bin/python3'].find(
    (bin) => spawnSync(bin, ['-c', 'import authlib, requests'], { stdio: 'ignore', timeout: 10_000 }).status === 0,
  );
}
const python = findPython();
if (!python)
  console.warn(
    'authlib interop skipped: no python3 imports authlib and requests (apt-get install python3-authlib python3-requests)',
  );

describe.skipIf(!python)('authlib (Python) against Gatehouse', () => {
  let t: TestServer;
  let clientId: string;
  let privateKeyPem: string;

  /** Runs the authlib script; its JSON output and exit status. */
  async function runAuthlib(lifetime: number | null): Promise<{ status: number | null; out: Record<string, unknown> }> {
    const input = JSON.stringify({
      token_endpoint: `${t.url}/oauth/token`,
      client_id: clientId,
      private_key_pem: privateKeyPem,
      alg: 'ES256',
      lifetime,
    });
    const child = spawn(python!, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    child.stdin.end(input);
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (!stdout.trim()) throw new Error(`authlib script failed (${status}): ${stderr}`);
    return { status, out: JSON.parse(stdout) as Record<string, unknown> };
  }

  beforeAll(async () => {
    t = await startGatehouse({ clock: new WallClock() });
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKeyPem = await exportPKCS8(pair.privateKey);
    const jwk = { ...(await exportJWK(pair.publicKey)), kty: 'EC', kid: 'authlib-1', alg: 'ES256' };
    ({ client_id: clientId } = await t.integration({
      preset: 'read-only',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [jwk] },
    }));
    await settle(t);
  });
  afterAll(() => t?.close());

  it('OAuth2Session + PrivateKeyJWT gets a token with private_key_jwt; the token reads the Environment API', async () => {
    const { status, out } = await runAuthlib(120);
    expect(status).toBe(0);
    expect(out).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number) });
    const self = await fetch(`${t.url}/api/v1/self`, {
      headers: { authorization: `Bearer ${String(out.access_token)}` },
    });
    expect(self.status).toBe(200);
    expect(await self.json()).toMatchObject({ client_id: clientId });
  });

  it("I-85 authlib's default one-hour assertion (exp far ahead) is refused with invalid_client", async () => {
    const { status, out } = await runAuthlib(null);
    expect(status).toBe(1);
    expect(out.error).toBe('invalid_client');
  });
});
