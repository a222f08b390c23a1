/**
 * Cases (n) and (o): cases (c) and (f) with OpenTelemetry tracing on (issue #28), so the cost of
 * traces is measured beside the same load with them off. The server exports every span over
 * OTLP/HTTP to a sink in this process that answers 200 and discards the body (a collector's work is
 * not the server's cost), in the SDK's default protocol (http/protobuf) and batching.
 * @packageDocumentation
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gatehouseTarget, type GatehouseFixture, type GatehouseTargetSpec } from '../gatehouse/fixture.js';
import { defaultCheck } from '../load.js';
import type { BenchCase, CaseTarget } from '../types.js';
import { bearerGetLoad } from './gatehouse-bearer-get.js';
import { tokenReuseLoad } from './gatehouse-token-reuse.js';

/** An OTLP/HTTP receiver that reads and drops every export; counts the requests. */
async function otlpSink(): Promise<{ server: Server; endpoint: string; exports: () => number }> {
  let exports = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      exports++;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, endpoint: `http://127.0.0.1:${port}`, exports: () => exports };
}

/** Case `build` against a Gatehouse that traces to a local sink. */
async function traced(build: (fixture: GatehouseFixture) => Promise<GatehouseTargetSpec>): Promise<CaseTarget> {
  const sink = await otlpSink();
  const close = () => new Promise<void>((resolve) => sink.server.close(() => resolve()));
  try {
    const target = await gatehouseTarget(build, {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint,
        OTEL_SERVICE_NAME: 'gatehouse-bench',
      },
    });
    return {
      ...target,
      async check() {
        const note = target.check ? await target.check() : await defaultCheck(target);
        if (note) return note;
        // The SDK exports in batches (every 5 s by default): wait for the first one.
        for (const deadline = Date.now() + 8000; sink.exports() === 0 && Date.now() < deadline;)
          await new Promise((resolve) => setTimeout(resolve, 100));
        if (sink.exports() === 0) return 'no span reached the OTLP sink in 8 s: tracing looks off';
      },
      async teardown() {
        await target.teardown();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export const gatehouseTokenReuseTracedCase: BenchCase = {
  id: 'n',
  name: '(n) Gatehouse token, reused, OpenTelemetry on',
  setup: () => traced(tokenReuseLoad),
};

export const gatehouseBearerGetTracedCase: BenchCase = {
  id: 'o',
  name: '(o) Gatehouse API GET, bearer, OpenTelemetry on',
  setup: () => traced(bearerGetLoad),
};
