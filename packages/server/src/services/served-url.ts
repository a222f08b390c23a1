/**
 * The public base URL a running server serves, recorded in the store when it starts, so that the
 * CLI (which runs without the server's flags) prints links and audiences that work: an invitation
 * link, the Environment API's audience, the token endpoint (issue #25).
 * @packageDocumentation
 */
import type { Context } from '../context.js';
import { repositories } from '../store/unit-of-work.js';

/** `store_meta` names of the recorded URLs. */
const ISSUER = 'served_issuer';
const AUDIENCE = 'served_audience';

/** What a server serves: its issuer (the public base URL) and the Environment API's audience. */
export interface ServedUrls {
  /** The public base URL (`GATEHOUSE_ISSUER`, else `http://<host>:<port>` with the port it listens on). */
  readonly issuer: string;
  /** The Environment API's audience (`GATEHOUSE_AUDIENCE`, else the issuer). */
  readonly audience: string;
}

/**
 * Records `urls` as what the server serves, replacing what an earlier start recorded (the last
 * server started wins when nodes disagree).
 */
export async function recordServedUrls(ctx: Context, urls: ServedUrls): Promise<void> {
  await repositories(ctx.store).storeMeta.upsert([
    { name: ISSUER, value: urls.issuer },
    { name: AUDIENCE, value: urls.audience },
  ]);
}

/** What the last server started recorded, or undefined when no server has started on this store. */
export async function servedUrls(ctx: Context): Promise<ServedUrls | undefined> {
  const values = await repositories(ctx.store).storeMeta.read([ISSUER, AUDIENCE]);
  const issuer = values.get(ISSUER);
  return issuer === undefined ? undefined : { issuer, audience: values.get(AUDIENCE) ?? issuer };
}
