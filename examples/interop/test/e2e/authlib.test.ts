/**
 * Python's authlib (Debian `python3-authlib`, with `requests`) against a real Gatehouse (issue 17
 * Deliver 5c, issue 25 Deliver 2; docs/security.md I-85): `OAuth2Session` with
 * `PrivateKeyJWT(token_url, alg="ES256")` and authlib's default claims (aud = the token endpoint,
 * `exp = iat + 3600`, no `kid` header) gets a token with `private_key_jwt`, and the token reads the
 * Environment API. A token endpoint under another name than the issuer's (`localhost` for
 * `127.0.0.1`) is refused with a description naming the audience check and the issuer identifier.
 * Token exchange (RFC 8693, docs/security.md M-117): `OAuth2Session.fetch_token` with the
 * token-exchange grant and `client_secret_basic` exchanges another integration's token; the result
 * reads the Environment API as the subject, with `act` naming the exchanging client.
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
const EXCHANGE_SCRIPT = fileURLToPath(new URL('../authlib_exchange.py', import.meta.url));

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

  /** Runs the authlib script against `tokenEndpoint`; its JSON output and exit status. */
  function runAuthlib(tokenEndpoint: string): Promise<{ status: number | null; out: Record<string, unknown> }> {
    return runScript(SCRIPT, {
      token_endpoint: tokenEndpoint,
      client_id: clientId,
      private_key_pem: privateKeyPem,
      alg: 'ES256',
    });
  }

  /** Runs a Python `script` with `args` as JSON on stdin; its JSON output and exit status. */
  async function runScript(
    script: string,
    args: Record<string, unknown>,
  ): Promise<{ status: number | null; out: Record<string, unknown> }> {
    const input = JSON.stringify(args);
    const child = spawn(python!, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
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

  it('I-85 OAuth2Session + PrivateKeyJWT with its default claims (exp = iat + 3600) gets a token; the token reads the Environment API', async () => {
    const { status, out } = await runAuthlib(`${t.url}/oauth/token`);
    expect(out).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number) });
    expect(status).toBe(0);
    const self = await fetch(`${t.url}/api/v1/self`, {
      headers: { authorization: `Bearer ${String(out.access_token)}` },
    });
    expect(self.status).toBe(200);
    expect(await self.json()).toMatchObject({ client_id: clientId });
  });

  it('I-85 an assertion for the token endpoint under another host name is refused, the description naming the check', async () => {
    const { status, out } = await runAuthlib(`${t.url.replace('127.0.0.1', 'localhost')}/oauth/token`);
    expect(status).toBe(1);
    expect(out.error).toBe('invalid_client');
    expect(out.error_description).toBe(
      `client assertion refused (audience): aud must be this server's issuer identifier ${JSON.stringify(t.config.issuer)}, as a single value`,
    );
  });

  it('M-117 OAuth2Session.fetch_token with the token-exchange grant exchanges another integration’s token', async () => {
    const subject = await t.integration({ preset: 'read-only' });
    const exchanger = await t.integration({ preset: 'read-only', token_exchange: { enabled: true } });
    await settle(t);
    const subjectToken = await fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${subject.client_id}:${subject.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    }).then(async (r) => String(((await r.json()) as { access_token: string }).access_token));
    const { status, out } = await runScript(EXCHANGE_SCRIPT, {
      token_endpoint: `${t.url}/oauth/token`,
      client_id: exchanger.client_id,
      client_secret: exchanger.client_secret,
      subject_token: subjectToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      scope: 'media:read',
    });
    expect(out).toMatchObject({
      token_type: 'Bearer',
      scope: 'media:read',
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    });
    expect(status).toBe(0);
    const self = await fetch(`${t.url}/api/v1/self`, {
      headers: { authorization: `Bearer ${String(out.access_token)}` },
    });
    expect(await self.json()).toMatchObject({ client_id: subject.client_id, act: { sub: exchanger.client_id } });
  });
});
