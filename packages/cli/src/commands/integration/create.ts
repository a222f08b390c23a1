/**
 * `gatehouse integration create`: a new integration; its secret is printed once. With
 * `--auth-method private_key_jwt` it gets no secret, only the keys of `--jwks-file` or `--jwks-uri`;
 * with `--auth-method federated` no secret and no key, only the federated credential of `--issuer`
 * and `--subject` (issue #26).
 */
import type { Command } from 'commander';
import { CLI_ACTOR, integrations } from '@gatehouse/server';
import { IntegrationCreate } from '@gatehouse/contracts';
import { output, withContext } from '../../io.js';
import { checked } from '../../validate.js';
import { readJwksFile } from './keys.js';
import { claim } from './federated.js';

/** The option each field of the body comes from, to name it when the API's schema refuses it. */
const FLAGS = {
  name: '--name',
  description: '--description',
  scopes: '--scopes',
  jwks: '--jwks-file',
  jwks_uri: '--jwks-uri',
  federated_credentials: '--issuer/--subject/--audience/--claim',
};

interface CreateOptions {
  env: string;
  name: string;
  description?: string;
  preset?: string;
  scopes?: string;
  authMethod?: string;
  jwksFile?: string;
  jwksUri?: string;
  dpopRequired?: boolean;
  issuer?: string;
  subject?: string;
  audience?: string;
  claim?: Record<string, string>;
}

export function registerCreate(integration: Command): void {
  integration
    .command('create')
    .description('create an integration; prints its client secret once')
    .requiredOption('--env <slug>', 'environment')
    .requiredOption('--name <name>', 'name')
    .option('--description <text>', 'description')
    .option('--preset <preset>', 'read-only | all-permissions')
    .option('--scopes <scopes>', 'space-separated Environment API scopes')
    .option(
      '--auth-method <method>',
      'client_secret_basic (default) | private_key_jwt (no secret: give --jwks-file or --jwks-uri) | federated (no secret, no key: give --issuer and --subject)',
    )
    .option('--jwks-file <file>', 'its public keys: a JWK Set, one JWK or a PEM public key (private_key_jwt)')
    .option('--jwks-uri <url>', 'https URL of its JWK Set (private_key_jwt)')
    .option('--dpop-required', 'its tokens must be DPoP-bound (RFC 9449)')
    .option('--issuer <url>', 'federated: the issuer of the platform tokens it trusts')
    .option('--subject <sub>', 'federated: their exact sub')
    .option('--audience <aud>', "federated: their aud (default: this server's issuer identifier)")
    .option('--claim <path=value>', 'federated: an exact-match claim condition, repeatable', claim)
    .action(async (opts: CreateOptions, cmd: Command) => {
      if (!opts.preset === !opts.scopes) throw new Error('give exactly one of --preset or --scopes');
      const federated = opts.authMethod === 'federated';
      const keyOnly = opts.authMethod === 'private_key_jwt';
      if (opts.authMethod !== undefined && !keyOnly && !federated && opts.authMethod !== 'client_secret_basic')
        throw new Error('--auth-method must be client_secret_basic, private_key_jwt or federated');
      if (federated !== (opts.issuer !== undefined && opts.subject !== undefined))
        throw new Error('--auth-method federated goes with --issuer and --subject');
      if (keyOnly && !opts.jwksFile === !opts.jwksUri)
        throw new Error('private_key_jwt needs exactly one of --jwks-file or --jwks-uri');
      if (!keyOnly && (opts.jwksFile || opts.jwksUri))
        throw new Error('--jwks-file and --jwks-uri go with --auth-method private_key_jwt');
      if (opts.preset && opts.preset !== 'read-only' && opts.preset !== 'all-permissions')
        throw new Error('--preset must be read-only or all-permissions');
      const body = checked(
        IntegrationCreate,
        {
          name: opts.name,
          ...(opts.description !== undefined && { description: opts.description }),
          ...(opts.preset && { preset: opts.preset as 'read-only' | 'all-permissions' }),
          ...(opts.scopes !== undefined && { scopes: opts.scopes.split(/\s+/).filter(Boolean) }),
          ...((keyOnly || federated) && { token_endpoint_auth_method: 'private_key_jwt' as const }),
          ...(federated && {
            federated_credentials: [
              {
                issuer: opts.issuer!,
                subject: opts.subject!,
                ...(opts.audience !== undefined && { audience: opts.audience }),
                ...(opts.claim && { claims: opts.claim }),
              },
            ],
          }),
          ...(opts.jwksFile && { jwks: await readJwksFile(opts.jwksFile) }),
          ...(opts.jwksUri && { jwks_uri: opts.jwksUri }),
          ...(opts.dpopRequired && { dpop_bound_access_tokens: true }),
        },
        FLAGS,
      );
      const created = await withContext(cmd, (ctx) => integrations.createIntegration(ctx, CLI_ACTOR, opts.env, body));
      const { id, client_id, client_secret, scopes } = created;
      if (client_secret === undefined) {
        output(cmd, { id, client_id, token_endpoint_auth_method: 'private_key_jwt', scopes }, (c) =>
          [
            `Created integration ${opts.name} in ${opts.env}.`,
            `  client_id:   ${c.client_id}`,
            federated
              ? '  auth method: federated credential (no secret, no key)'
              : '  auth method: private_key_jwt (no secret)',
            `  scopes:      ${c.scopes.join(' ')}`,
          ].join('\n'),
        );
        return;
      }
      output(cmd, { id, client_id, client_secret, scopes }, (c) =>
        [
          `Created integration ${opts.name} in ${opts.env}.`,
          `  client_id:     ${c.client_id}`,
          `  client_secret: ${c.client_secret}`,
          `  scopes:        ${c.scopes.join(' ')}`,
          'Store the secret now: it is not shown again.',
        ].join('\n'),
      );
    });
}
