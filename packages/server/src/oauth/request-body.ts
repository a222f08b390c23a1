/**
 * How the OAuth endpoints document their request body in the OpenAPI document: the form media
 * type first (RFC 6749 App. B; what Swagger UI's "Try it out" offers), JSON too. The body is
 * parsed and checked by the endpoint itself (params.ts, then each step), so its errors are RFC
 * 6749 §5.2 ones (`unsupported_grant_type`, not a schema message): the schema is never used to
 * refuse a request ({@link documentedOnly}).
 * @packageDocumentation
 */
import type { TObject } from '@sinclair/typebox';
import type { FastifySchemaCompiler } from 'fastify';

/** The media types of every OAuth endpoint's body, in the order Swagger UI offers them. */
export const OAUTH_MEDIA_TYPES = ['application/x-www-form-urlencoded', 'application/json'] as const;

/** The `body` and `consumes` of an OAuth endpoint's route schema, documenting `parameters`. */
export function oauthRequestBody(parameters: TObject): { body: TObject; consumes: string[] } {
  return { body: parameters, consumes: [...OAUTH_MEDIA_TYPES] };
}

/** A route's `validatorCompiler` for schemas that document only: every value passes. */
export const documentedOnly: FastifySchemaCompiler<unknown> = () => () => true;
