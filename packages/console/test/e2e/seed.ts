/**
 * Data the console's accessibility tests share, made through the services as `CLI_ACTOR`.
 * @packageDocumentation
 */
import { CLI_ACTOR, type Context } from '../../../server/src/context.js';
import { createApi } from '../../../server/src/services/apis.js';
import { createIntegration } from '../../../server/src/services/integrations.js';

/** Registers the API "Invoices" (`https://invoices.example.com`: `invoices:read` described, `invoices:write`) in `default`. */
export async function createInvoicesApi(ctx: Context): Promise<void> {
  await createApi(ctx, CLI_ACTOR, 'default', {
    name: 'Invoices',
    audience: 'https://invoices.example.com',
    scopes: [{ value: 'invoices:read', description: 'Read invoices' }, { value: 'invoices:write' }],
  });
}

/** Creates the read-only integration "Brochure builder" in `default`; returns its client_id. */
export async function createBrochureBuilder(ctx: Context): Promise<string> {
  const created = await createIntegration(ctx, CLI_ACTOR, 'default', {
    name: 'Brochure builder',
    description: 'Renders brochures overnight',
    preset: 'read-only',
  });
  return created.client_id;
}
