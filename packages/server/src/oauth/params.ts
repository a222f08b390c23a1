/**
 * Request bodies of the OAuth endpoints: `application/x-www-form-urlencoded` (RFC 6749 App. B) and
 * `application/json`, held to the same rules: every parameter a plain string, none repeated
 * (RFC 6749 §3.1, §3.2), no structured names (`a[b]`), no NUL character, JSON no deeper than
 * the input policy allows (input/policy.ts, docs/security.md H-77). Anything else is `invalid_request`.
 * @packageDocumentation
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse as parseJsonAst } from '@humanwhocodes/momoa';
import { InvalidRequest } from '../errors/oauth-error.js';
import { hasNul, scanJsonText } from '../input/json-scan.js';

/** Parameters of an OAuth request, by name. */
export type OAuthParams = Readonly<Record<string, string>>;

/** Largest accepted body, bytes (docs/security.md B-19). */
export const OAUTH_BODY_LIMIT = 64 * 1024;

const STRUCTURED_NAME = /[[\]]/;

function add(params: Record<string, string>, name: string, value: string): void {
  if (hasNul(name) || hasNul(value)) throw new InvalidRequest('a parameter holds a NUL character');
  if (STRUCTURED_NAME.test(name))
    throw new InvalidRequest(`parameter ${JSON.stringify(name.slice(0, 64))} is not a plain parameter`);
  if (Object.prototype.hasOwnProperty.call(params, name))
    throw new InvalidRequest(`parameter ${JSON.stringify(name.slice(0, 64))} is repeated`);
  params[name] = value;
}

/**
 * Parses a form body. `%ZZ` and other broken escapes are refused rather than passed through.
 * @throws InvalidRequest on a repeated, structured or badly encoded parameter.
 */
export function parseForm(body: string): OAuthParams {
  const params: Record<string, string> = Object.create(null);
  if (body === '') return params;
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    add(params, formDecode(rawName), formDecode(rawValue));
  }
  return params;
}

/**
 * Decodes one `application/x-www-form-urlencoded` component (`+` is a space).
 * @throws InvalidRequest on a malformed percent-escape or invalid UTF-8.
 */
export function formDecode(component: string): string {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    throw new InvalidRequest('malformed percent-encoding');
  }
}

/**
 * Parses a JSON body that must be one flat object of string members with no repeated name
 * (`JSON.parse` silently keeps the last duplicate; docs/security.md B-16).
 * @throws InvalidRequest otherwise.
 */
export function parseJson(body: string): OAuthParams {
  const problem = scanJsonText(body);
  if (problem) throw new InvalidRequest(problem);
  let ast: ReturnType<typeof parseJsonAst>;
  try {
    ast = parseJsonAst(body, { mode: 'json' });
  } catch {
    throw new InvalidRequest('malformed JSON body');
  }
  if (ast.body.type !== 'Object') throw new InvalidRequest('the JSON body must be an object');
  const params: Record<string, string> = Object.create(null);
  for (const member of ast.body.members) {
    const name = member.name.type === 'String' ? member.name.value : String(member.name.name);
    if (member.value.type !== 'String')
      throw new InvalidRequest(`parameter ${JSON.stringify(name.slice(0, 64))} must be a string`);
    add(params, name, member.value.value);
  }
  return params;
}

/**
 * Registers the two parsers in the (encapsulated) OAuth context, replacing Fastify's defaults.
 * Any other content type answers 400 `invalid_request` through the error handler.
 */
export function registerOAuthBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: OAUTH_BODY_LIMIT },
    (_req, body, done) => {
      try {
        done(null, parseForm(body as string));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: OAUTH_BODY_LIMIT },
    (_req, body, done) => {
      try {
        done(null, parseJson(body as string));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );
}

/**
 * The parsed parameters of a request (an empty set when it had no body).
 * @throws InvalidRequest when the body was not parsed by {@link registerOAuthBodyParsers}.
 */
export function oauthParams(request: FastifyRequest): OAuthParams {
  const body = request.body;
  if (body === undefined || body === null) return Object.create(null) as OAuthParams;
  if (typeof body !== 'object') throw new InvalidRequest('unsupported request body');
  return body as OAuthParams;
}
