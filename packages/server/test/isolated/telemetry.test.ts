/**
 * OpenTelemetry traces (issue #28 item 2, docs/security.md N-125), received over OTLP/HTTP (JSON)
 * by a collector in the test from the real exporter the SDK configures from `OTEL_*` variables:
 * a span per request with HTTP semantic conventions, continuing the caller's W3C `traceparent`;
 * child spans for the token endpoint's steps and the store's queries; `trace_id` in the request's
 * log lines; no secret in any attribute or log line. In `isolated/`: the SDK registers itself
 * process-wide (tracer provider, context manager), which must not reach other files' servers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedLogs, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { postForm, request, token } from '@gatehouse/testing/http';
import { assertion, assertionForm, testKey } from '@gatehouse/testing/assertion';

/** A span as OTLP/JSON carries it (the fields this test reads). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: Record<string, unknown> }[];
}

/** An OTLP/HTTP receiver: every span of every `POST /v1/traces` (JSON) it was sent. */
function collector(): { server: Server; spans: OtlpSpan[]; bodies: string[] } {
  const spans: OtlpSpan[] = [];
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      bodies.push(text);
      const body = JSON.parse(text) as {
        resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
      };
      for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return { server, spans, bodies };
}

/** The value of attribute `key` of `span` (OTLP's AnyValue unwrapped). */
function attr(span: OtlpSpan, key: string): unknown {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value && Object.values(value)[0];
}

describe('OpenTelemetry traces (sqlite)', () => {
  const receiver = collector();
  let t: TestServer;
  const saved = { ...process.env };

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.server.address() as AddressInfo;
    // The standard variables only: the SDK reads them when the server starts it.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${port}`;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    process.env.OTEL_SERVICE_NAME = 'gatehouse-test';
    t = await startTestServer('sqlite');
  });
  afterAll(async () => {
    await t.close();
    process.env = saved;
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  /** Waits until the exporter has sent the spans of `traceId`, including one named `name`. */
  async function spansOf(traceId: string, name: string): Promise<OtlpSpan[]> {
    for (let i = 0; i < 50; i++) {
      await t.server.runtime.tracing!.flush();
      const spans = receiver.spans.filter((s) => s.traceId === traceId);
      if (spans.some((s) => s.name === name)) return spans;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no span ${name} in trace ${traceId}`);
  }

  it("a token request continues the caller's traceparent: request span, its steps and store queries as children", async () => {
    const { client_id, client_secret } = await t.integration();
    const traceId = randomBytes(16).toString('hex');
    const parentId = randomBytes(8).toString('hex');
    const res = await postForm(
      t.url,
      { grant_type: 'client_credentials' },
      {
        authorization: `Basic ${Buffer.from(`${client_id}:${client_secret}`).toString('base64')}`,
        traceparent: `00-${traceId}-${parentId}-01`,
      },
    );
    expect(res.status).toBe(200);
    const spans = await spansOf(traceId, 'POST /oauth/token');
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const root = spans.find((s) => s.name === 'POST /oauth/token')!;
    expect(root.parentSpanId).toBe(parentId);
    expect(root.kind).toBe(2); // SERVER
    expect(attr(root, 'http.request.method')).toBe('POST');
    expect(attr(root, 'http.route')).toBe('/oauth/token');
    expect(attr(root, 'url.path')).toBe('/oauth/token');
    expect(Number(attr(root, 'http.response.status_code'))).toBe(200);

    /** The names of the spans from `span` up to the request span. */
    const ancestry = (span: OtlpSpan): string[] => {
      const names: string[] = [];
      for (let s: OtlpSpan | undefined = span; s; s = s.parentSpanId ? byId.get(s.parentSpanId) : undefined)
        names.push(s.name);
      return names;
    };
    for (const step of ['client authentication', 'grant', 'sign', 'store'])
      expect(ancestry(spans.find((s) => s.name === step)!), step).toContain('POST /oauth/token');
    expect(ancestry(spans.find((s) => s.name === 'sign')!)).toContain('grant');
    const insert = spans.find((s) => s.name === 'insert' && ancestry(s).includes('store'))!;
    expect(insert.kind).toBe(3); // CLIENT
    expect(attr(insert, 'db.system.name')).toBe('sqlite');
    expect(attr(insert, 'db.query.text')).toMatch(/^insert into/);
  });

  it('N-125 no secret, token, assertion or code in any span attribute or log line; every log line of a request names its trace', async () => {
    const created = await t.integration();
    const issued = await token(t.url, created.client_id, created.client_secret);
    const accessToken = issued.body.access_token as string;
    // A bearer call and a query string holding an authorization code.
    await request(`${t.url}/api/v1/environments/default/integrations`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const code = `code-${randomBytes(12).toString('hex')}`;
    await request(`${t.url}/.well-known/jwks.json?code=${code}&state=s`);
    // A refused client assertion: logged (with its reason) inside the request.
    const key = await testKey('ES256');
    const keyed = await t.integration({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] } });
    const signed = await assertion(key, keyed.client_id, {
      now: t.clock.seconds() - 600,
      exp: t.clock.seconds() - 120,
    });
    const traceId = randomBytes(16).toString('hex');
    const logsBefore = capturedLogs.length;
    const refused = await postForm(t.url, assertionForm(signed), {
      traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
    });
    expect(refused.status).toBe(401);
    await spansOf(traceId, 'POST /oauth/token');
    const lines = capturedLogs
      .slice(logsBefore)
      .flatMap((l) => l.split('\n'))
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const inRequest = lines.filter((l) => l.msg === 'client assertion refused');
    expect(inRequest.length).toBe(1);
    for (const line of inRequest) expect(line.trace_id).toBe(traceId);

    await t.server.runtime.tracing!.flush();
    const exported = receiver.bodies.join('\n');
    const logged = capturedLogs.join('\n');
    for (const secret of [created.client_secret, accessToken, signed, code])
      for (const [where, text] of [
        ['spans', exported],
        ['logs', logged],
      ] as const)
        expect(text.includes(secret), `${where} hold ${secret.slice(0, 12)}…`).toBe(false);
    const jwks = receiver.spans.find((s) => s.name === 'GET /.well-known/jwks.json')!;
    expect(attr(jwks, 'url.path')).toBe('/.well-known/jwks.json');
  });
});
