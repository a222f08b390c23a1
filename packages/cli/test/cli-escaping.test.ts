/**
 * docs/security.md H-83: what the CLI prints from the store (integration names and descriptions,
 * environment names, audit actors, actions and targets) can't drive the terminal: control
 * characters come out escaped in text and tables, and `--json` stays JSON with C1, DEL and
 * U+2028/2029 escaped as well.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, environments } from '@gatehouse/server';
import { audit } from '@gatehouse/testing/internals';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { cliFor } from './helpers/cli.js';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { escapeControl, jsonText } from '../src/io.js';

/** ESC-based OSC title and colour, BEL, one-byte CSI (C1), DEL, a line separator and a bidi override. */
const EVIL = 'x\u001b]0;pwned\u0007\u001b[31mred\u009b2J\u007f\u2028\u202e!';
const ESCAPED = 'x\\x1b]0;pwned\\x07\\x1b[31mred\\u009b2J\\x7f\\u2028\\u202e!';
/** Anything a terminal would act on, except the newlines that end lines. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('escapeControl and jsonText', () => {
  it('H-83 escape C0, DEL, C1 and separators, leave printable text alone; JSON stays the same value', () => {
    expect(escapeControl(EVIL)).toBe(ESCAPED);
    expect(escapeControl('plain – ünïcode \\ ok')).toBe('plain – ünïcode \\ ok');
    const json = jsonText({ name: EVIL });
    expect(json).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(json)).toEqual({ name: EVIL });
  });
});

describe.each(HTTP_STORE_KINDS)('CLI output of untrusted strings (%s)', (kind) => {
  let t: TestServer;
  let cli: (...args: string[]) => Promise<string>;
  let clientId: string;
  beforeAll(async () => {
    t = await startTestServer(kind);
    const ctx = t.server.runtime.ctx;
    clientId = (await t.integration({ name: EVIL, description: `desc ${EVIL}` })).client_id;
    await environments.createEnvironment(ctx, CLI_ACTOR, 'evil', EVIL);
    const env = await environments.requireEnvironment(ctx, 'default');
    await audit(
      ctx.db,
      { actor: `customer:${EVIL}` },
      { environmentId: env.id, action: `act${EVIL}`, target: EVIL },
      ctx.clock.now(),
    );
    const run = cliFor(t);
    cli = async (...args) => (await run(...args)).stdout;
  });
  afterAll(() => t.close());

  it('H-83 integration list/show, env list and audit print control characters escaped', async () => {
    const outputs = [
      await cli('integration', 'list', '--env', 'default'),
      await cli('integration', 'show', clientId),
      await cli('env', 'list'),
      await cli('audit', '--env', 'default'),
    ];
    for (const out of outputs) {
      expect(out).not.toMatch(RAW_CONTROL);
      // Tables cut long cells (issue #25): the cut is made in the escaped text.
      expect(out).toContain(ESCAPED.slice(0, 30));
    }
    expect(outputs[1]).toContain(`desc ${ESCAPED}`);
    expect(outputs[2]).toContain(`${ESCAPED.slice(0, 39)}…`);
    expect(outputs[3]).toContain(`customer:${ESCAPED.slice(0, 30)}`);
  });

  it('H-83 --json output escapes them too and parses back to the stored strings', async () => {
    const list = await cli('integration', 'list', '--env', 'default', '--json');
    const events = await cli('audit', '--env', 'default', '--json');
    for (const out of [list, events]) expect(out).not.toMatch(RAW_CONTROL);
    expect((JSON.parse(list) as { name: string }[]).map((i) => i.name)).toContain(EVIL);
    expect(JSON.parse(events)).toContainEqual(
      expect.objectContaining({ actor: `customer:${EVIL}`, action: `act${EVIL}`, target: EVIL }),
    );
  });
});
