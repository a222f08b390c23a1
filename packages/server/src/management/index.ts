/**
 * Management API under `/api/v1` (environments, integrations and their secrets, APIs, audit, webhooks),
 * shared by the console (session cookie) and automation (integration bearer tokens). Customers and
 * customer-token credentials live in the Environment API context, which accepts the same session.
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.js';
import { requireRouteActions } from '../auth/route-action.js';
import { authenticateManagement } from './authenticate.js';
import { environmentRoutes } from './environments.js';
import { integrationRoutes } from './integrations.js';
import { integrationSecretRoutes } from './integration-secrets.js';
import { integrationKeyRoutes } from './integration-keys.js';
import { federatedCredentialRoutes } from './federated-credentials.js';
import { apiRoutes } from './apis.js';
import { auditRoutes } from './audit.js';
import { webhookRoutes } from './webhooks.js';
import { operatorRoutes } from './operators.js';
import { secondFactorSettingRoutes } from './second-factor-settings.js';
import { memberRoutes } from './members.js';
import { invitationManagementRoutes } from './invitations.js';

/** Registers the management routes in their own encapsulated context. */
export async function managementRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  // Every route here authenticates, so every route declares its action (docs/security.md K-103);
  // authentication and the decision of that action run before the body is parsed.
  requireRouteActions(app, 'caller');
  app.addHook('onRequest', async (request) => {
    request.principal = await authenticateManagement(rt, request);
  });
  environmentRoutes(app, rt);
  integrationRoutes(app, rt);
  integrationSecretRoutes(app, rt);
  integrationKeyRoutes(app, rt);
  federatedCredentialRoutes(app, rt);
  apiRoutes(app, rt);
  auditRoutes(app, rt);
  webhookRoutes(app, rt);
  operatorRoutes(app, rt);
  secondFactorSettingRoutes(app, rt);
  memberRoutes(app, rt);
  invitationManagementRoutes(app, rt);
}
