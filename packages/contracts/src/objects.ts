/**
 * Shapes of managing registered APIs and deleting environments, public keys and customers
 * (issue #19 item 1): bodies, path parameters and query strings of those routes.
 * @packageDocumentation
 */
import { Type, type Static } from '@sinclair/typebox';

/**
 * The grammar of one scope value (RFC 6749 §3.3 `scope-token`: printable ASCII except space,
 * `"` and `\`), 1–200 characters.
 */
export const SCOPE_VALUE_PATTERN = '^[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,200}$';

/** True when `value` is one scope-token (RFC 6749 §3.3) of at most 200 characters. */
export function isScopeValue(value: string): boolean {
  return new RegExp(SCOPE_VALUE_PATTERN).test(value);
}

/** One scope of an API with its description (shown to operators). */
export const ApiScopeInput = Type.Object(
  {
    value: Type.String({ pattern: SCOPE_VALUE_PATTERN, description: 'RFC 6749 §3.3 scope-token' }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type ApiScopeInput = Static<typeof ApiScopeInput>;

/**
 * Body of `PATCH /environments/{env}/apis/{api}`: a new name and/or the complete new scope list.
 * A scope left out is removed from every grant that holds it; the integrations' unexpired tokens
 * for this API are then revoked unless `keep_tokens`.
 */
export const ApiUpdate = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    scopes: Type.Optional(Type.Array(ApiScopeInput, { maxItems: 200 })),
    keep_tokens: Type.Optional(
      Type.Boolean({ description: "with scopes removed, keep the holders' unexpired tokens (revoked by default)" }),
    ),
  },
  { additionalProperties: false },
);
export type ApiUpdate = Static<typeof ApiUpdate>;

/** `{env}` and `{api}`: an API's id (`api_…`) or its audience (URL-encoded). */
export const ApiParams = Type.Object({
  env: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }),
  api: Type.String({ minLength: 1, maxLength: 500, description: "the API's id or its audience, URL-encoded" }),
});
export type ApiParams = Static<typeof ApiParams>;

/** Query of `DELETE /environments/{env}/apis/{api}`. */
export const ApiDeleteQuery = Type.Object(
  {
    force: Type.Optional(
      Type.Boolean({ description: 'also remove the grants integrations hold on it (their tokens for it are revoked)' }),
    ),
  },
  { additionalProperties: false },
);
export type ApiDeleteQuery = Static<typeof ApiDeleteQuery>;

/** Query of `DELETE /environments/{env}`: `confirm` must repeat the slug. */
export const EnvironmentDeleteQuery = Type.Object(
  { confirm: Type.String({ maxLength: 63, description: "the environment's slug, typed again" }) },
  { additionalProperties: false },
);
export type EnvironmentDeleteQuery = Static<typeof EnvironmentDeleteQuery>;
