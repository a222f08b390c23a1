/** `gatehouse api …`: the APIs (resource servers) registered in an environment, named by audience. */
import type { Command } from 'commander';
import { apis, CLI_ACTOR, type Context } from '@gatehouse/server';
import { ApiCreate, ApiUpdate } from '@gatehouse/contracts';
import { confirm, output, table, withContext } from '../../io.js';
import { checked } from '../../validate.js';
import { collect, parseScopes, type ScopeSpec } from './scopes.js';

type Api = Awaited<ReturnType<typeof apis.getApi>>;

const human = (a: Api): string =>
  [
    `${a.name} (${a.audience})${a.built_in ? ', built in' : ''}`,
    ...a.scopes.map((s) => `  ${s.value}${s.description ? `  ${s.description}` : ''}`),
  ].join('\n');

export function apiCommand(root: Command): void {
  const api = root.command('api').description('manage the APIs (resource servers) of an environment and their scopes');
  api
    .command('create')
    .description('register an API: its audience and scopes')
    .requiredOption('--env <slug>', 'environment')
    .requiredOption('--name <name>', 'name')
    .requiredOption('--audience <uri>', "audience (the API's URI, as its tokens' aud)")
    .option('--scopes <scopes>', 'scopes, separated by spaces or commas')
    .option('--scope <value=description>', 'a scope with its description (repeatable)', collect)
    .action(
      async (
        opts: { env: string; name: string; audience: string; scopes?: string; scope?: string[] },
        cmd: Command,
      ) => {
        const body = checked(
          ApiCreate,
          { name: opts.name, audience: opts.audience, scopes: parseScopes(opts.scopes, opts.scope) },
          { name: '--name', audience: '--audience', scopes: '--scopes' },
        );
        const created = await withContext(cmd, (ctx) => apis.createApi(ctx, CLI_ACTOR, opts.env, body));
        output(cmd, created, human);
      },
    );
  api
    .command('list')
    .description('list the APIs of an environment, the Environment API first')
    .requiredOption('--env <slug>', 'environment')
    .action(async (opts: { env: string }, cmd: Command) => {
      const list = await withContext(cmd, (ctx) => apis.listApis(ctx, opts.env));
      output(cmd, list, (l) =>
        table(
          l.map((a) => ({ ...a, scopes: a.scopes.map((s) => s.value).join(' ') })),
          ['audience', 'name', 'built_in', 'scopes'],
        ),
      );
    });
  api
    .command('show <audience>')
    .description('show one API with its scopes')
    .requiredOption('--env <slug>', 'environment')
    .action(async (audience: string, opts: { env: string }, cmd: Command) => {
      output(cmd, await withContext(cmd, (ctx) => apis.getApi(ctx, opts.env, audience)), human);
    });
  api
    .command('update <audience>')
    .description(
      "rename an API or change its scopes; a removed scope leaves every grant and the holders' tokens for the API are revoked",
    )
    .requiredOption('--env <slug>', 'environment')
    .option('--name <name>', 'new name')
    .option('--scopes <scopes>', 'the complete new scope list (descriptions of kept scopes stay)')
    .option('--scope <value=description>', 'add a scope, or set its description (repeatable)', collect)
    .option('--add-scope <value>', 'add a scope, value[=description] (repeatable)', collect)
    .option('--remove-scope <value>', 'remove a scope (repeatable)', collect)
    .option('--keep-tokens', "keep the holders' unexpired tokens when scopes are removed (revoked by default)")
    .action(
      async (
        audience: string,
        opts: {
          env: string;
          name?: string;
          scopes?: string;
          scope?: string[];
          addScope?: string[];
          removeScope?: string[];
          keepTokens?: boolean;
        },
        cmd: Command,
      ) => {
        const listed = opts.scopes === undefined ? undefined : parseScopes(opts.scopes);
        const added = parseScopes(undefined, [...(opts.scope ?? []), ...(opts.addScope ?? [])]);
        const removed = parseScopes((opts.removeScope ?? []).join(' ')).map((s) => s.value);
        const scopesChange = listed !== undefined || added.length > 0 || removed.length > 0;
        if (opts.name === undefined && !scopesChange)
          throw new Error('nothing to change: give --name, --scopes, --scope, --add-scope or --remove-scope');
        const updated = await withContext(cmd, async (ctx: Context) => {
          const current = await apis.getApi(ctx, opts.env, audience);
          let scopes: ScopeSpec[] | undefined;
          if (scopesChange) {
            const described = new Map(current.scopes.map((s) => [s.value, s.description]));
            scopes = listed
              ? listed.map((s) => ({ value: s.value, description: described.get(s.value) ?? '' }))
              : current.scopes.map((s) => ({ ...s }));
            for (const a of added) {
              const at = scopes.find((s) => s.value === a.value);
              if (at) at.description = a.description || at.description;
              else scopes.push(a);
            }
            for (const r of removed)
              if (!scopes.some((s) => s.value === r)) throw new Error(`the API has no scope ${JSON.stringify(r)}`);
            scopes = scopes.filter((s) => !removed.includes(s.value));
          }
          const body = checked(
            ApiUpdate,
            {
              ...(opts.name !== undefined && { name: opts.name }),
              ...(scopes && { scopes }),
              ...(opts.keepTokens && { keep_tokens: true }),
            },
            { name: '--name', scopes: '--scopes' },
          );
          return apis.updateApi(ctx, CLI_ACTOR, opts.env, audience, body);
        });
        output(cmd, updated, (a) =>
          [
            human(a),
            ...(a.removed_scopes.length
              ? [
                  `Removed ${a.removed_scopes.join(' ')}; ${a.affected_integrations.length} integration(s) lost a grant; ${a.revoked_tokens} token(s) revoked.`,
                ]
              : []),
          ].join('\n'),
        );
      },
    );
  api
    .command('delete <audience>')
    .description('delete an API; refused while integrations hold grants on it unless --force')
    .requiredOption('--env <slug>', 'environment')
    .option('--force', 'also remove the grants integrations hold on it and revoke their tokens for it')
    .action(async (audience: string, opts: { env: string; force?: boolean }, cmd: Command) => {
      if (!(await confirm(cmd, `Delete the API ${audience}${opts.force ? ' and every grant on it' : ''}?`))) return;
      const res = await withContext(cmd, (ctx) =>
        apis.deleteApi(ctx, CLI_ACTOR, opts.env, audience, { force: opts.force }),
      );
      const out = {
        audience,
        deleted: true,
        affected_integrations: res.affectedIntegrations,
        revoked_tokens: res.revokedTokens,
      };
      output(
        cmd,
        out,
        (r) =>
          `Deleted ${r.audience}${r.affected_integrations.length ? `; removed the grants of ${r.affected_integrations.join(', ')}; ${r.revoked_tokens} token(s) revoked` : ''}.`,
      );
    });
}
