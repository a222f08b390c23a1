/**
 * The load generator: drives one {@link CaseTarget} with autocannon, in this process.
 * @packageDocumentation
 */
import autocannon, { type AutocannonRequest } from 'autocannon';
import { requestOk } from './http.js';
import type { CaseTarget, LoadMetrics, LoadRequest } from './types.js';

/** Adapts a harness request (and its optional per-send rewrite) to autocannon's shape. */
function toAutocannon(request: LoadRequest): AutocannonRequest {
  const { setupRequest, ...fixed } = request;
  return setupRequest
    ? { ...fixed, setupRequest: (req) => setupRequest(req as LoadRequest) as AutocannonRequest }
    : fixed;
}

/**
 * Runs autocannon against `target`.
 * @param durationSeconds - length of the run, seconds
 * @param connections - concurrent keep-alive connections (pipelining 1)
 */
export async function runLoad(target: CaseTarget, durationSeconds: number, connections: number): Promise<LoadMetrics> {
  const result = await autocannon({
    url: target.url,
    connections,
    duration: durationSeconds,
    timeout: 10,
    pipelining: 1,
    method: target.method,
    headers: target.headers,
    ...(target.requests ? { requests: target.requests.map(toAutocannon) } : { body: target.body ?? '' }),
  });
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count]),
  );
  return {
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    totalRequests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    durationSeconds: result.duration,
  };
}

/**
 * The default sanity check of a target: sends its (first) request once and requires a 2xx answer.
 * Throws with the status and the start of the body otherwise.
 */
export async function defaultCheck(target: CaseTarget): Promise<void> {
  const first = target.requests?.[0];
  const request = first?.setupRequest ? first.setupRequest({ ...first }) : first;
  await requestOk(new URL(request?.path ?? '', target.url).href, {
    method: request?.method ?? target.method,
    headers: { ...target.headers, ...request?.headers },
    body: request ? request.body : target.body,
  });
}
