/**
 * Hidden helper of case (e): fills an environment with many integrations through the management
 * API (`POST /api/v1/environments/{env}/integrations`), concurrently, as fast as the server
 * allows. Isolated here so the way of seeding can change (e.g. to a bulk CLI command) in one place.
 *
 * Settings: `BENCH_SEED_CONCURRENCY` (default 8) requests in flight, `BENCH_SEED_TIMEOUT` seconds
 * (default 600) for the whole seeding.
 * @packageDocumentation
 */
import { envNumber } from '../options.js';
import type { ClientCredentials } from './cli.js';

/** What to seed. */
export interface SeedOptions {
  /** `http://127.0.0.1:<port>` of the running server. */
  origin: string;
  /** An access token with `integrations:write` (all-permissions). */
  bearerToken: string;
  env: string;
  /** Integrations to create. */
  total: number;
  /** How many of them to return credentials for (the first created). */
  keep: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates one integration; retries on 429/503 and network errors until `deadline` (epoch ms) or
 * until `stop` is aborted (another creation failed).
 */
async function createOne(
  url: string,
  token: string,
  index: number,
  deadline: number,
  stop: AbortSignal,
): Promise<ClientCredentials> {
  let last = '';
  while (Date.now() < deadline) {
    if (stop.aborted) throw new Error('stopped');
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ name: `bench-${index}`, preset: 'read-only' }),
      signal: AbortSignal.timeout(30_000),
    }).catch((error: unknown) => error as Error);
    if (response instanceof Error) {
      last = response.message;
      await sleep(200);
      continue;
    }
    const text = await response.text();
    if (response.status === 429 || response.status === 503) {
      last = `HTTP ${response.status}`;
      await sleep(Math.min(Number(response.headers.get('retry-after')) || 0.5, 5) * 1000);
      continue;
    }
    if (response.status < 200 || response.status > 299)
      throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
    const created = JSON.parse(text) as Partial<ClientCredentials>;
    if (typeof created.client_id !== 'string' || typeof created.client_secret !== 'string') {
      throw new Error(`answer without client_id/client_secret: ${text.slice(0, 200)}`);
    }
    return { client_id: created.client_id, client_secret: created.client_secret };
  }
  throw new Error(`timed out (last: ${last || 'none'})`);
}

/**
 * Creates `total` read-only integrations with a few requests in flight and returns the credentials
 * of the first `keep`. Throws when one creation fails or the whole seeding exceeds its time.
 */
export async function seedIntegrations(options: SeedOptions): Promise<ClientCredentials[]> {
  const url = `${options.origin}/api/v1/environments/${options.env}/integrations`;
  const concurrency = Math.max(1, Math.round(envNumber('BENCH_SEED_CONCURRENCY', 8)));
  const deadline = Date.now() + envNumber('BENCH_SEED_TIMEOUT', 600) * 1000;
  const kept: ClientCredentials[] = [];
  const stop = new AbortController();
  let firstError: Error | undefined;
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < options.total && !stop.signal.aborted) {
      const index = next++;
      try {
        const credentials = await createOne(url, options.bearerToken, index, deadline, stop.signal);
        if (index < options.keep) kept[index] = credentials;
        done++;
      } catch (error) {
        if (!stop.signal.aborted) {
          firstError = new Error(
            `seeding integrations: #${index} failed after ${done} created: ${(error as Error).message}`,
          );
          stop.abort();
        }
      }
    }
  };
  // Every worker settles before returning, so none is left retrying against a stopped server.
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (firstError) throw firstError;
  return kept;
}
