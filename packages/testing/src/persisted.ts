import type { TestServer } from './server.js';

/** Counts what a token request may persist: issued tokens and `token.mint` audit events (NP checks). */
export async function persisted(t: TestServer): Promise<number> {
  const db = t.server.runtime.ctx.db;
  const tokens = await db
    .selectFrom('issued_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const events = await db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', 'token.mint')
    .executeTakeFirstOrThrow();
  return Number(tokens.n) + Number(events.n);
}
