/**
 * The receiver example against signed requests: what Standard Webhooks signs is accepted once per
 * `webhook-id`; an altered body, another secret and an old timestamp are refused (docs/security.md N-122).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { buildReceiver, type AuditWebhook } from '../src/app.js';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const event: AuditWebhook = {
  type: 'integration.create',
  timestamp: '2026-12-07T10:00:00.000Z',
  data: { id: 'evt_1', action: 'integration.create', actor: 'cli', target: 'cli_x', result: 'success' },
};

function signed(body: string, id = 'msg_1', at = new Date(), key = secret) {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(key).sign(id, at, body),
  };
}

describe('webhook receiver example', () => {
  it('N-122 accepts a signed delivery once per webhook-id, and refuses altered, foreign and old ones', async () => {
    const received: string[] = [];
    const app = buildReceiver({ secret, onEvent: (id, e) => void received.push(`${id} ${e.type}`) });
    const body = JSON.stringify(event);
    const post = (payload: string, headers: Record<string, string>) =>
      app.inject({ method: 'POST', url: '/webhooks/gatehouse', payload, headers });

    expect((await post(body, signed(body))).statusCode).toBe(204);
    // A retry of the same message (same id, a new timestamp and signature) is acknowledged, not handled again.
    expect((await post(body, signed(body))).statusCode).toBe(204);
    expect(received).toEqual(['msg_1 integration.create']);

    const altered = body.replace('success', 'failure');
    expect((await post(altered, signed(body, 'msg_2'))).statusCode).toBe(400);
    const other = `whsec_${randomBytes(32).toString('base64')}`;
    expect((await post(body, signed(body, 'msg_3', new Date(), other))).statusCode).toBe(400);
    const old = new Date(Date.now() - 10 * 60 * 1000);
    expect((await post(body, signed(body, 'msg_4', old))).statusCode).toBe(400);
    expect((await post(body, { 'content-type': 'application/json' })).statusCode).toBe(400);
    expect(received).toHaveLength(1);
    await app.close();
  });

  it('remembers a bounded number of ids, oldest out first', async () => {
    const received: string[] = [];
    const app = buildReceiver({ secret, remember: 2, onEvent: (id) => void received.push(id) });
    const body = JSON.stringify(event);
    for (const id of ['m1', 'm2', 'm3', 'm1'])
      await app.inject({ method: 'POST', url: '/webhooks/gatehouse', payload: body, headers: signed(body, id) });
    // m1 was forgotten when m3 arrived: the receiver's memory is bounded.
    expect(received).toEqual(['m1', 'm2', 'm3', 'm1']);
    await app.close();
  });
});
