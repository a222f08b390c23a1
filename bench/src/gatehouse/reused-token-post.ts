/**
 * The load of a token-endpoint case whose answer is a reused token: one form POST sent again and
 * again, and a check (before the run) that two consecutive answers carry the same access token.
 * @packageDocumentation
 */
import { requestOk } from '../http.js';
import type { GatehouseTargetSpec } from './fixture.js';

/**
 * The target spec posting `fields` as a form to `url` (with `extraHeaders`, e.g. Basic
 * authentication); its check fails naming `what` when two consecutive answers differ, and otherwise
 * describes the load as `describe`.
 */
export function reusedTokenPost(
  url: string,
  fields: Record<string, string>,
  what: string,
  describe: string,
  extraHeaders: Record<string, string> = {},
): GatehouseTargetSpec {
  const headers = {
    ...extraHeaders,
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  const body = new URLSearchParams(fields).toString();
  return {
    url,
    method: 'POST',
    headers,
    body,
    async check() {
      const first = (await requestOk(url, { method: 'POST', headers, body })) as { access_token?: unknown };
      const second = (await requestOk(url, { method: 'POST', headers, body })) as { access_token?: unknown };
      if (typeof first.access_token !== 'string' || first.access_token !== second.access_token)
        throw new Error(`two consecutive ${what} got different tokens: reuse looks off`);
      return describe;
    },
  };
}
