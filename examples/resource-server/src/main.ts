/**
 * Runs the resource-server example: GATEHOUSE_ISSUER (default http://127.0.0.1:4000),
 * INVOICES_AUDIENCE (default https://invoices.example), HOST (127.0.0.1), PORT (4100).
 * @packageDocumentation
 */
import { buildInvoicesApp, INVOICES_AUDIENCE } from './app.js';

const app = buildInvoicesApp({
  issuer: process.env.GATEHOUSE_ISSUER ?? 'http://127.0.0.1:4000',
  audience: process.env.INVOICES_AUDIENCE ?? INVOICES_AUDIENCE,
  logger: true,
});
await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 4100) });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void app.close().then(() => process.exit(0)));
}
