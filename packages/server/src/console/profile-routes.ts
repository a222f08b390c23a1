/**
 * `/api/v1/profile`: the signed-in account's own (an operator's or a member's) — password and TOTP second factor.
 * Registered in the console's authenticating context (console/authenticate.ts): its hook signs the
 * session in (CSRF-checked on POST) and decides each route's `profile.*` action; no bearer token. Reading the profile and enrolling (`/totp`, `/totp/confirm`)
 * stay open while a required second factor is missing (`config.secondFactorPending`), so an
 * account can enrol; the rest is refused `totp_required` like every session route (auth/session.ts).
 * Every code check runs under the account's code windows (services/sign-in.ts `checkCode`, K-96);
 * starting enrolment and turning TOTP off ask for the current password when the account has one
 * (ASVS 5.0 7.5.1, K-97).
 * @packageDocumentation
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ApiError as ApiErrorBody } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { MAX_PASSWORD_LENGTH } from '../services/admins.js';
import { recordAudit } from '../services/audit.js';
import { accountHasPassword, setOperatorPassword } from '../services/operators.js';
import {
  beginTotp,
  confirmTotp,
  disableTotp,
  MAX_CODE_LENGTH,
  regenerateRecoveryCodes,
  totpStatus,
} from '../services/totp.js';
import { secondFactorFacts } from '../services/second-factor-requirement.js';
import { addSessionFactor } from '../services/sessions.js';
import type { SignInPipeline } from '../services/sign-in.js';
import { secondFactorMissing } from '../auth/second-factor.js';
import { sessionCookie } from './session-cookie.js';
import { signedInAs, type SignedIn } from './authenticate.js';
import { createHash } from 'node:crypto';
import { withExample } from '../openapi/example.js';

const Code = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: MAX_CODE_LENGTH }) },
  { additionalProperties: false },
);
const CurrentPassword = Type.String({
  minLength: 1,
  maxLength: MAX_PASSWORD_LENGTH,
  description: 'The current password (required when the account has one: ASVS 5.0 7.5.1)',
});
const BeginTotp = Type.Object({ password: Type.Optional(CurrentPassword) }, { additionalProperties: false });
const DisableTotp = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: MAX_CODE_LENGTH }), password: Type.Optional(CurrentPassword) },
  { additionalProperties: false },
);
const PasswordChange = Type.Object(
  {
    current_password: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }),
    new_password: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }),
  },
  { additionalProperties: false },
);
const Profile = Type.Object({
  id: Type.String(),
  email: Type.String(),
  auth_method: Type.String(),
  amr: Type.Array(Type.String(), { description: 'The factors this session was opened with (RFC 8176)' }),
  has_password: Type.Boolean({
    description:
      'The account has a password (false when provisioned by single sign-on): setting up or turning off TOTP asks for it',
  }),
  totp: Type.Object({ enabled: Type.Boolean(), recovery_codes_left: Type.Integer() }),
  totp_required: Type.Boolean({
    description:
      'This password session must set up TOTP before it may act: TOTP is required server-wide, or by an environment the account is a member of (totp_required_environments), and the account has none yet',
  }),
  totp_required_environments: Type.Array(Type.String(), {
    description: 'Slugs of the environments the account is a member of that require TOTP',
  }),
  totp_can_turn_off: Type.Boolean({
    description:
      'TOTP is on and not required of the account (server-wide or by its environments), so it may be turned off',
  }),
});
const Enrolment = Type.Object({
  secret: Type.String({ description: 'Base32; shown once' }),
  otpauth_uri: Type.String(),
});
const RecoveryCodes = Type.Object({
  recovery_codes: Type.Array(Type.String(), { description: 'Shown once; each works once' }),
});
const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 409: ApiErrorBody };
const common = { tags: ['console'] };

/**
 * Registers the profile routes in `app`, the console's authenticating context
 * (console/authenticate.ts `requireConsoleSession`).
 */
export async function profileRoutes(app: FastifyInstance, rt: Runtime, signIn: SignInPipeline): Promise<void> {
  const { ctx } = rt;
  const actor = (p: SignedIn, request: FastifyRequest) => ({
    actor: `${p.type === 'console' ? 'admin' : 'member'}:${p.email}`,
    ip: request.ip,
  });

  app.get(
    '/api/v1/profile',
    {
      config: { action: 'profile.read', secondFactorPending: true },
      schema: {
        ...common,
        summary: 'The signed-in account',
        description: 'The signed-in account: email, whether TOTP is on, how many recovery codes are left.',
        response: { 200: Profile, ...errors },
      },
    },
    async (request, reply) => {
      const p = signedInAs(request);
      const { amr } = p.session;
      const totp = await totpStatus(ctx, p.accountId);
      // The requirement of the account now: the server's, and any of its environments' (auth/second-factor.ts).
      const facts = await secondFactorFacts(ctx, p.accountId);
      const required = facts.serverRequires || facts.environmentsRequiring.length > 0;
      reply.header('cache-control', 'no-store');
      return {
        id: p.accountId,
        email: p.email,
        auth_method: p.session.authMethod,
        amr,
        has_password: await accountHasPassword(ctx, p.accountId),
        totp,
        totp_required: required && !totp.enabled && secondFactorMissing(amr, facts),
        totp_required_environments: [...facts.environmentsRequiring],
        totp_can_turn_off: totp.enabled && !required,
      };
    },
  );

  app.post<{ Body: Static<typeof PasswordChange> }>(
    '/api/v1/profile/password',
    {
      config: { action: 'profile.change_password' },
      schema: {
        ...common,
        summary: 'Change your password (other sessions end)',
        description:
          "Changes the account's password (checked against the current one); every other session of the account ends.",
        body: withExample(PasswordChange, {
          current_password: 'the current one',
          new_password: 'a longer passphrase of your own',
        }),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const p = signedInAs(request);
      const value = sessionCookie(request);
      const keepSessionHash = value && createHash('sha256').update(value, 'utf8').digest('base64url');
      await setOperatorPassword(ctx, actor(p, request), p.accountId, request.body.new_password, {
        current: request.body.current_password,
        ...(keepSessionHash && { keepSessionHash }),
      });
      return reply.code(204).send();
    },
  );

  app.post<{ Body: Static<typeof BeginTotp> | undefined }>(
    '/api/v1/profile/totp',
    {
      config: { action: 'profile.totp_enroll', secondFactorPending: true },
      schema: {
        ...common,
        summary: 'Start TOTP enrolment (needs the current password when the account has one)',
        description:
          'Starts TOTP enrolment: answers the secret and its otpauth URI for an authenticator app. Needs the current password when the account has one.',
        body: withExample(BeginTotp, { password: 'the current one' }),
        response: { 200: Enrolment, 429: ApiErrorBody, ...errors },
      },
    },
    async (request, reply) => {
      const p = signedInAs(request);
      await signIn.confirmPassword(p.accountId, request.body?.password, request.ip);
      reply.header('cache-control', 'no-store');
      return beginTotp(ctx, { id: p.accountId, email: p.email });
    },
  );

  app.post<{ Body: Static<typeof Code> }>(
    '/api/v1/profile/totp/confirm',
    {
      config: { action: 'profile.totp_confirm', secondFactorPending: true },
      schema: {
        ...common,
        summary: 'Confirm TOTP enrolment',
        description:
          'Confirms TOTP enrolment with a current code and answers the recovery codes, once. This session counts as signed in with TOTP from then on.',
        body: withExample(Code, { code: '123456' }),
        response: { 200: RecoveryCodes, 429: ApiErrorBody, ...errors },
      },
    },
    async (request, reply) => {
      const p = signedInAs(request);
      const codes = await signIn.checkCode(p.accountId, request.ip, () =>
        confirmTotp(ctx, p.accountId, request.body.code),
      );
      // The code just proved the factor in this session: it now carries `otp`.
      await addSessionFactor(ctx, p.session.cookie, 'otp');
      await recordAudit(ctx, actor(p, request), { environmentId: null, action: 'admin.totp_enable' }, ctx.clock.now());
      reply.header('cache-control', 'no-store');
      return codes;
    },
  );

  app.post<{ Body: Static<typeof DisableTotp> }>(
    '/api/v1/profile/totp/disable',
    {
      config: { action: 'profile.totp_disable' },
      schema: {
        ...common,
        summary: 'Turn TOTP off',
        description:
          'Turns TOTP off; needs the current password when the account has one and a current code or a recovery code. Refused (409) while TOTP is required of the account.',
        body: withExample(DisableTotp, { code: '123456', password: 'the current one' }),
        response: { 204: Type.Null(), 429: ApiErrorBody, ...errors },
      },
    },
    async (request, reply) => {
      const p = signedInAs(request);
      await signIn.confirmPassword(p.accountId, request.body.password, request.ip);
      await signIn.checkCode(p.accountId, request.ip, async () => {
        await disableTotp(ctx, actor(p, request), p.accountId, request.body.code);
        return true;
      });
      return reply.code(204).send();
    },
  );

  app.post<{ Body: Static<typeof Code> }>(
    '/api/v1/profile/recovery-codes',
    {
      config: { action: 'profile.recovery_codes' },
      schema: {
        ...common,
        summary: 'New recovery codes (the old ones stop working)',
        description: 'Replaces the recovery codes with new ones, shown once; the old ones stop working.',
        body: withExample(Code, { code: '123456' }),
        response: { 200: RecoveryCodes, 429: ApiErrorBody, ...errors },
      },
    },
    async (request, reply) => {
      const p = signedInAs(request);
      const codes = await signIn.checkCode(p.accountId, request.ip, () =>
        regenerateRecoveryCodes(ctx, p.accountId, request.body.code),
      );
      await recordAudit(
        ctx,
        actor(p, request),
        { environmentId: null, action: 'admin.recovery_codes' },
        ctx.clock.now(),
      );
      reply.header('cache-control', 'no-store');
      return codes;
    },
  );
}
