/**
 * Runs the webhook receiver example: GATEHOUSE_WEBHOOK_SECRET (the endpoint's `whsec_…`, required),
 * HOST (127.0.0.1), PORT (4200). Prints one JSON line per event.
 * @packageDocumentation
 */
import { buildReceiver } from './app.js';

const secret = process.env.GATEHOUSE_WEBHOOK_SECRET;
if (!secret?.startsWith('whsec_')) {
  console.error('set GATEHOUSE_WEBHOOK_SECRET to the endpoint secret gatehouse webhook add printed (whsec_…)');
  process.exit(2);
}
const app = buildReceiver({
  secret,
  onEvent: (id, event) => console.log(JSON.stringify({ webhook_id: id, type: event.type, ...event.data })),
});
await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 4200) });
console.error(`listening on http://${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? 4200}/webhooks/gatehouse`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void app.close().then(() => process.exit(0)));
}
