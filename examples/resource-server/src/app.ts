/**
 * `buildInvoicesApp`: a tenant's own API (a resource server registered in Gatehouse) that accepts
 * only Gatehouse access tokens issued for its audience, and checks scopes per route.
 * @packageDocumentation
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { createVerifier, type VerifiedClaims } from '@gatehouse/client';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified access token's claims, set by the Gatehouse hook. */
    auth?: VerifiedClaims;
  }
}

/** The audience the invoices API is registered with in Gatehouse. */
export const INVOICES_AUDIENCE = 'https://invoices.example';

/** Its scopes, as registered. */
export const INVOICES_SCOPES = [
  { value: 'invoices:read', description: 'List invoices' },
  { value: 'invoices:write', description: 'Create invoices' },
] as const;

/**
 * Options of {@link buildInvoicesApp}.
 *
 * @example
 * ```ts
 * const options: InvoicesAppOptions = { issuer: 'http://127.0.0.1:4000' };
 * ```
 */
export interface InvoicesAppOptions {
  /** Gatehouse issuer URL: tokens' expected `iss`, and the base of the JWKS URL. */
  issuer: string;
  /** This API's audience (default {@link INVOICES_AUDIENCE}). */
  audience?: string;
  /** JWKS URL (default `{issuer}/.well-known/jwks.json`). */
  jwksUri?: string;
  /** Current time in milliseconds for `exp`/`iat` checks (default `Date.now`). */
  clock?: () => number;
  /** Fastify's logger (default off). */
  logger?: boolean;
}

/** One invoice. Amounts in cents. */
export interface Invoice {
  id: string;
  customer: string;
  amount_cents: number;
  currency: string;
  /** `client_id` of the integration that created it. */
  created_by: string;
  /**
   * For a token obtained by token exchange (RFC 8693; its `act` claim names the acting client):
   * the subject it acted for (`sub`, an integration's client_id or a customer id) and `act` itself.
   */
  on_behalf_of?: { sub: string; act: unknown };
  created_at: string;
}

const InvoiceCreate = {
  type: 'object',
  additionalProperties: false,
  required: ['customer', 'amount_cents', 'currency'],
  properties: {
    customer: { type: 'string', minLength: 1, maxLength: 200 },
    amount_cents: { type: 'integer', minimum: 1 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  },
} as const;

/**
 * Builds the invoices API (it never listens; see `main.ts`). Invoices live in memory.
 * - `GET /invoices` needs `invoices:read` → `{items}`;
 * - `POST /invoices` needs `invoices:write` → 201 with the invoice;
 * - `GET /healthz` is public.
 * The Gatehouse check runs as an `onRequest` hook, before the body is parsed and validated, and
 * answers RFC 6750 errors: no token 401 `WWW-Authenticate: Bearer realm="invoices"`, a token that
 * is invalid, expired or for another audience 401 `error="invalid_token"`, a missing scope 403
 * `error="insufficient_scope"`.
 *
 * @example
 * ```ts
 * const app = buildInvoicesApp({ issuer: 'http://127.0.0.1:4000' });
 * await app.listen({ port: 4100 });
 * ```
 */
export function buildInvoicesApp(options: InvoicesAppOptions): FastifyInstance {
  const verifier = createVerifier({
    issuer: options.issuer,
    audience: options.audience ?? INVOICES_AUDIENCE,
    realm: 'invoices',
    ...(options.jwksUri !== undefined && { jwksUri: options.jwksUri }),
    ...(options.clock && { clock: options.clock }),
  });
  const invoices: Invoice[] = [];
  const now = options.clock ?? Date.now;

  const app = Fastify({ logger: options.logger ?? false });
  app.setErrorHandler((err: { validation?: unknown; statusCode?: number; message?: string }, request, reply) => {
    if (err.validation !== undefined)
      return reply.code(400).send({ error: 'invalid_request', error_description: err.message });
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500)
      return reply.code(err.statusCode).send({ error: 'invalid_request' });
    request.log.error(err, 'unexpected error');
    return reply.code(500).send({ error: 'server_error' });
  });

  app.get('/healthz', async () => ({ ok: true }));

  app.get('/invoices', { onRequest: verifier.fastify({ scopes: ['invoices:read'] }) }, async () => ({
    items: invoices,
  }));

  app.post<{ Body: { customer: string; amount_cents: number; currency: string } }>(
    '/invoices',
    { onRequest: verifier.fastify({ scopes: ['invoices:write'] }), schema: { body: InvoiceCreate } },
    async (request, reply) => {
      const invoice: Invoice = {
        id: `inv_${invoices.length + 1}`,
        ...request.body,
        created_by: request.auth!.client_id,
        ...(request.auth!.act && { on_behalf_of: { sub: request.auth!.sub, act: request.auth!.act } }),
        created_at: new Date(now()).toISOString(),
      };
      invoices.push(invoice);
      return reply.code(201).send(invoice);
    },
  );
  return app;
}
