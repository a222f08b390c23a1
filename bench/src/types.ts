/**
 * Shared types of the load-benchmark harness: the plug-in case contract and the measured results.
 * Units are in the field names or docs: seconds for durations of runs, milliseconds for latencies,
 * mebibytes for memory.
 * @packageDocumentation
 */

/** HTTP methods the harness drives. */
export type HttpMethod = 'GET' | 'POST';

/**
 * One request of an autocannon `requests` sequence. `setupRequest` may rewrite the request before
 * each send (e.g. to rotate credentials); it runs in the load generator's process.
 */
export interface LoadRequest {
  method?: HttpMethod;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: LoadRequest) => LoadRequest;
}

/** What a case's `setup()` hands to the load generator. */
export interface CaseTarget {
  /** Full URL of the endpoint under load (also the base of `requests`). */
  url: string;
  method: HttpMethod;
  headers: Record<string, string>;
  /** Request body for every request (ignored when `requests` is given). */
  body?: string;
  /** A request sequence each connection cycles through, instead of one fixed request. */
  requests?: LoadRequest[];
  /** Process id of the server under load, for RSS; omitted when unknown. */
  pid?: number;
  /**
   * Optional sanity check before the run; throws when the target does not answer as expected
   * (the case is then reported as skipped) and may return a note for the report.
   * Without it the harness sends one request and requires a 2xx answer.
   */
  check?: () => Promise<string | void>;
  /** Stops the server and removes whatever `setup()` created. */
  teardown: () => Promise<void>;
}

/** A benchmark case: a plug-in module of the harness. */
export interface BenchCase {
  /** Short label used in the table, e.g. `"(a) raw node:http"`. */
  name: string;
  /** Stable key used by `BENCH_CASES` and in the JSON, e.g. `"a"`. */
  id: string;
  /** Starts the server (in its own process) and prepares the request(s). */
  setup: () => Promise<CaseTarget>;
}

/** Options of one measured run. */
export interface RunOptions {
  /** Length of the measured run, seconds. */
  durationSeconds: number;
  /** Concurrent keep-alive connections. */
  connections: number;
  /** Length of the unmeasured warm-up run before it, seconds (0 = none). */
  warmupSeconds: number;
}

/** Numbers of one measured run. */
export interface LoadMetrics {
  /** Mean requests per second over the run. */
  requestsPerSecond: number;
  /** Median latency, milliseconds. */
  latencyP50Ms: number;
  /** 99th-percentile latency, milliseconds. */
  latencyP99Ms: number;
  /** Requests completed during the run. */
  totalRequests: number;
  /** Socket errors and timeouts. */
  errors: number;
  /** Timeouts (also counted in `errors`). */
  timeouts: number;
  /** Responses with a status outside 200–299. */
  non2xx: number;
  /** Count of responses per status code. */
  statusCodes: Record<string, number>;
  /** Measured run length, seconds. */
  durationSeconds: number;
  /**
   * CPU time (user + system) the server process tree used during the measured run, divided by the
   * requests completed, microseconds; null when it could not be read (off Linux, no pid).
   */
  serverCpuMicrosPerRequest?: number | null;
}

/** Resident memory of the server process (tree) after a run, mebibytes. */
export interface MemorySample {
  /** VmRSS, MiB. */
  rssMiB: number;
  /** VmHWM (peak RSS), MiB. */
  peakRssMiB: number;
}

/** The outcome of one case: measured, or skipped with a reason. */
export type CaseResult =
  | { id: string; name: string; status: 'ok'; metrics: LoadMetrics; memory: MemorySample | null; note?: string }
  | { id: string; name: string; status: 'skipped'; reason: string };
