/**
 * Console single sign-on routes (services/sso.ts):
 * - `GET /api/v1/session/options`: which sign-in methods the console offers;
 * - `GET /api/v1/session/sso`: starts a sign-in, redirects to the provider;
 * - `GET /api/v1/session/sso/callback`: the provider's redirect back; the identity goes through
 *   the sign-in pipeline (services/sign-in.ts: the account's windows, its second factor) and
 *   either opens a session and redirects to the console, or — for an account with TOTP —
 *   redirects to `/console/?second_factor=totp#challenge=<challenge>` (the fragment never reaches
 *   a server or a Referer) for the code step, or redirects to the sign-in page with
 *   `sso_error=<reason>` and no session.
 * The login cookie is `SameSite=Lax` (it must come back on the provider's top-level redirect),
 * `HttpOnly`, scoped to `/api/v1/session/sso`, and cleared on the callback whatever its outcome.
 * @packageDocumentation
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Runtime } from '../runtime.js';
import { NotFound } from '../errors/domain-errors.js';
import { TooManyRequests } from '../errors/oauth-error.js';
import { recordAudit } from '../services/audit.js';
import type { SignInPipeline } from '../services/sign-in.js';
import { SSO_LOGIN_LIFETIME, SsoClient, SsoRefused } from '../services/sso.js';
import { resolveSsoAccount } from '../services/sso-accounts.js';
import { setSessionCookie } from './session-cookie.js';
import { ApiError } from '@gatehouse/contracts';
import { described, noBody } from '../openapi/responses.js';

/** Name of the cookie that carries a started SSO sign-in. */
export const SSO_COOKIE = 'gatehouse_sso';
const SSO_PATH = '/api/v1/session/sso';
const MAX_CALLBACK_QUERY = 4096;

const Options = Type.Object({
  password: Type.Boolean({ description: 'Email and password sign-in is on' }),
  sso: Type.Union([Type.Object({ name: Type.String({ description: 'Label of the SSO button' }) }), Type.Null()]),
});

/** Registers the SSO routes (the options route always; the others when SSO is configured). */
export async function ssoRoutes(app: FastifyInstance, rt: Runtime, signIn: SignInPipeline): Promise<void> {
  const { ctx } = rt;
  const sso = ctx.config.sso;
  app.get(
    '/api/v1/session/options',
    {
      schema: {
        tags: ['console'],
        summary: 'Sign-in methods the console offers',
        description: "Whether password sign-in and single sign-on are available, for the console's sign-in page.",
        response: { 200: Options },
      },
    },
    async () => ({
      password: ctx.config.passwordSignIn,
      sso: sso ? { name: sso.name } : null,
    }),
  );
  const client = sso && new SsoClient(sso);
  const secure = ctx.config.issuer.startsWith('https:');
  const cookieOptions = (maxAge: number) => ({
    httpOnly: true,
    sameSite: 'lax' as const,
    path: SSO_PATH,
    secure,
    maxAge,
  });
  const refuse = (reply: FastifyReply, reason: string) =>
    reply.header('cache-control', 'no-store').redirect(`/console/?sso_error=${encodeURIComponent(reason)}`, 303);

  app.get(
    SSO_PATH,
    {
      schema: {
        tags: ['console'],
        summary: 'Start single sign-on (redirects to the provider)',
        description: 'Redirects the browser to the configured OpenID Connect provider (authorization code with PKCE).',
        response: {
          302: noBody("Redirect to the provider's authorization endpoint."),
          303: noBody('Redirect to the console with the reason single sign-on was refused.'),
          404: described(ApiError, 'Single sign-on is not configured.'),
        },
      },
    },
    async (_request, reply) => {
      if (!client) throw new NotFound('single sign-on');
      try {
        const { url, cookie } = await client.start(ctx);
        reply.setCookie(SSO_COOKIE, cookie, cookieOptions(SSO_LOGIN_LIFETIME));
        return reply.header('cache-control', 'no-store').redirect(url, 302);
      } catch (err) {
        if (err instanceof SsoRefused) return refuse(reply, err.reason);
        throw err;
      }
    },
  );

  app.get(
    `${SSO_PATH}/callback`,
    {
      schema: {
        tags: ['console'],
        summary: 'Single sign-on callback (the provider redirects here)',
        description:
          'Where the provider sends the browser back: signs the account in and redirects to the console (or to its TOTP step).',
        response: {
          303: noBody('Redirect to the console: signed in, at its TOTP step, or with the reason of a refusal.'),
          404: described(ApiError, 'Single sign-on is not configured.'),
        },
      },
    },
    async (request, reply) => {
      if (!client || !sso) throw new NotFound('single sign-on');
      reply.setCookie(SSO_COOKIE, '', { ...cookieOptions(0), expires: new Date(0) });
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
      try {
        if (query.length > MAX_CALLBACK_QUERY) throw new SsoRefused('invalid_response');
        const identity = await client.finish(ctx, request.cookies[SSO_COOKIE] || undefined, query);
        const account = await resolveSsoAccount(ctx, sso, identity);
        const outcome = await signIn.sso(account, request.ip).catch((err: unknown) => {
          throw err instanceof TooManyRequests ? new SsoRefused('too_many_attempts', err) : err;
        });
        reply.header('cache-control', 'no-store');
        if (outcome.kind === 'second_factor')
          return reply.redirect(`/console/?second_factor=totp#challenge=${encodeURIComponent(outcome.challenge)}`, 303);
        setSessionCookie(reply, ctx.config, outcome.value);
        return reply.redirect('/console/', 303);
      } catch (err) {
        if (!(err instanceof SsoRefused)) throw err;
        request.log.info(
          {
            reason: err.reason,
            cause: err.cause instanceof Error ? `${err.cause.name}: ${err.cause.message}` : undefined,
          },
          'SSO sign-in refused',
        );
        rt.audits.push(() =>
          recordAudit(
            ctx,
            { actor: 'sso', ip: request.ip },
            { environmentId: null, action: 'admin.sign_in_sso', result: 'failure', target: err.reason },
            ctx.clock.now(),
          ),
        );
        return refuse(reply, err.reason);
      }
    },
  );
}
