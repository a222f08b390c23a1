/**
 * Examples of request bodies in the OpenAPI document: shown by the docs and prefilled by "Try it
 * out". `examples` is a JSON Schema keyword (draft 2019-09 §9.5) the validator ignores.
 * @packageDocumentation
 */

/** `schema` with `example` as its one example (a copy: the shared schema is left as it is). */
export function withExample<T extends object>(schema: T, example: Record<string, unknown>): T {
  return { ...schema, examples: [example] };
}
