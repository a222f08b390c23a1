/**
 * Environment API resources (`/api/v1/environments/{env}/...`): projects, media, fonts, outputs, self.
 * Field names are snake_case; times are ISO 8601 strings.
 * @packageDocumentation
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** A page of a list: `{items, next_cursor}`; `next_cursor` is null on the last page. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });

/** Query of every list endpoint: `limit` (1–100, default 50) and an opaque `cursor`. */
export const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

/** Path parameter `{env}`: an environment slug. */
export const EnvParams = Type.Object({ env: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }) });

/** Path parameters `{env}` and `{id}`. */
export const EnvIdParams = Type.Object({
  env: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }),
  id: Type.String({ minLength: 1, maxLength: 64 }),
});

/** A project: owned by exactly one principal; no other principal can see it. */
export const Project = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type Project = Static<typeof Project>;

/** Body of `POST /projects`. */
export const ProjectCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type ProjectCreate = Static<typeof ProjectCreate>;

/** Body of `PATCH /projects/{id}`: any subset of the editable fields. */
export const ProjectUpdate = Type.Partial(ProjectCreate, { additionalProperties: false });
export type ProjectUpdate = Static<typeof ProjectUpdate>;

/** A media or font record (metadata only). `size` is in bytes; `checksum` a hex SHA-256. */
export const Asset = Type.Object({
  id: Type.String(),
  name: Type.String(),
  content_type: Type.String(),
  size: Type.Integer(),
  checksum: Type.String({ description: "SHA-256 of the file's bytes, 64 lowercase hexadecimal characters" }),
  created_at: Type.String(),
});
export type Asset = Static<typeof Asset>;

/** Body of `POST /media` and `POST /fonts`. */
export const AssetCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    content_type: Type.String({ minLength: 3, maxLength: 255, pattern: '^[\\w.+-]+/[\\w.+-]+$' }),
    size: Type.Integer({ minimum: 0, maximum: 10_000_000_000 }),
    checksum: Type.String({
      pattern: '^[0-9a-f]{64}$',
      description:
        "SHA-256 of the file's bytes as 64 lowercase hexadecimal characters (e.g. the output of `sha256sum FILE`), no prefix",
      examples: ['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
    }),
  },
  { additionalProperties: false },
);
export type AssetCreate = Static<typeof AssetCreate>;

/** An output: a render request of one of the caller's projects. */
export const Output = Type.Object({
  id: Type.String(),
  project_id: Type.String(),
  format: Type.String(),
  status: Type.String(),
  created_at: Type.String(),
});
export type Output = Static<typeof Output>;

/** Body of `POST /outputs`. */
export const OutputCreate = Type.Object(
  {
    project_id: Type.String({ minLength: 1, maxLength: 64 }),
    format: Type.Optional(
      Type.Union([Type.Literal('png'), Type.Literal('jpg'), Type.Literal('pdf'), Type.Literal('mp4')]),
    ),
  },
  { additionalProperties: false },
);
export type OutputCreate = Static<typeof OutputCreate>;

/** `GET /api/v1/self`: the principal behind the bearer token. */
export const Self = Type.Union([
  Type.Object({
    type: Type.Literal('integration'),
    client_id: Type.String(),
    name: Type.String(),
    scopes: Type.Array(Type.String()),
    environment: Type.String(),
    act: Type.Optional(
      Type.Unknown({ description: 'Of an exchanged token: who acts for this principal, nested (RFC 8693 §4.1)' }),
    ),
  }),
  Type.Object({
    type: Type.Literal('customer'),
    id: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    fields: Type.Record(Type.String(), Type.Unknown()),
    environment: Type.String(),
    act: Type.Optional(
      Type.Unknown({ description: 'Of an exchanged token: who acts for this principal, nested (RFC 8693 §4.1)' }),
    ),
  }),
  Type.Object({ type: Type.Literal('admin'), environment: Type.String() }),
]);
export type Self = Static<typeof Self>;

/** RFC 6750 / API error body. */
export const ApiError = Type.Object({
  error: Type.String(),
  error_description: Type.Optional(Type.String()),
});
