/**
 * Schemas shared by the management routes: path parameters, error answers, common route options.
 * @packageDocumentation
 */
import { Type } from '@sinclair/typebox';
import { ApiError as ApiErrorBody, EnvParams } from '@gatehouse/contracts';

/** Error answers every management route may give (`{error, error_description}`). */
export const ERRORS = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody } as const;

/** Error answers of routes that create something unique. */
export const ERRORS_WITH_CONFLICT = { ...ERRORS, 409: ApiErrorBody } as const;

/** OpenAPI tag of every management route (its security comes from the context: openapi/security.ts). */
export const COMMON = { tags: ['management'] };

/** `{env}`. */
export { EnvParams };

/** `{env}` and `{client_id}`. */
export const IntegrationParams = Type.Object({
  env: EnvParams.properties.env,
  client_id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
});
