/**
 * Round 2 scopes of the Environment API: `audit:read` (the audit routes, which needed
 * `integrations:read` before) and `integrations:secrets` (other integrations' credentials, in no
 * preset). Added to every environment's built-in API; no integration is granted them here
 * (existing integrations keep exactly their grants: no silent change).
 */
import { sql, type Kysely } from 'kysely';

const ADDED = [
  { value: 'audit:read', description: 'Read the audit log of the environment' },
  {
    value: 'integrations:secrets',
    description: "Rotate other integrations' secrets and receive them (credential automation; in no preset)",
  },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  const apis = await sql<{ id: string; max_position: number | null }>`
    select a.id, (select max(s.position) from api_scopes s where s.api_id = a.id) as max_position
    from apis a where a.built_in = 1`.execute(db);
  for (const api of apis.rows) {
    let position = Number(api.max_position ?? -1);
    for (const scope of ADDED) {
      const exists = await sql`select 1 from api_scopes where api_id = ${api.id} and value = ${scope.value}`.execute(
        db,
      );
      if (exists.rows.length) continue;
      position += 1;
      await sql`insert into api_scopes (api_id, value, description, position) values (${api.id}, ${scope.value}, ${scope.description}, ${position})`.execute(
        db,
      );
    }
  }
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only');
}
