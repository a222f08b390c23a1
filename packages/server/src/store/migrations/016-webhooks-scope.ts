/**
 * The `webhooks:write` scope of the Environment API (issue #28): managing an environment's webhook
 * endpoints with a management token (reading them needs `audit:read`, which they stream out).
 * Added to every environment's built-in API; no integration is granted it here (existing
 * integrations keep exactly their grants: no silent change).
 */
import { sql, type Kysely } from 'kysely';

const ADDED = { value: 'webhooks:write', description: "Add, change and remove the environment's webhook endpoints" };

export async function up(db: Kysely<unknown>): Promise<void> {
  const apis = await sql<{ id: string; max_position: number | null }>`
    select a.id, (select max(s.position) from api_scopes s where s.api_id = a.id) as max_position
    from apis a where a.built_in = 1`.execute(db);
  for (const api of apis.rows) {
    const exists = await sql`select 1 from api_scopes where api_id = ${api.id} and value = ${ADDED.value}`.execute(db);
    if (exists.rows.length) continue;
    const position = Number(api.max_position ?? -1) + 1;
    await sql`insert into api_scopes (api_id, value, description, position) values (${api.id}, ${ADDED.value}, ${ADDED.description}, ${position})`.execute(
      db,
    );
  }
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only');
}
