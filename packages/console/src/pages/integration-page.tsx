/** One integration: tabs "General", "Permissions" and "Try it" (each a route: `…/integrations/{client_id}/{tab}`). */
import { useEffect, useState } from 'react';
import { Alert, Badge, Group, Tabs, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { seg } from '../api/client';
import type { Api, Integration, Page } from '../api/types';
import { keys, useApiQuery } from '../api/queries';
import { useNavigate } from 'react-router';
import { PageBreadcrumbs } from '../components/page-breadcrumbs';
import { useTabRoute } from '../components/use-tab-route';
import { ErrorState, Loading } from '../components/states';
import { forgetFreshSecret, peekFreshSecret } from '../components/secret-reveal';
import { GeneralTab } from '../components/general-tab';
import { PermissionsTab } from '../components/permissions-tab';
import { TryItPanel } from '../components/try-it-panel';
import { CapabilitiesProvider, RequireAllowed, useCapabilities } from '../capabilities';

/** The tabs' route segments. */
export const INTEGRATION_TABS = ['general', 'permissions', 'try-it'];

/** The integration page. */
export function IntegrationPage({ env, clientId, tab }: { env: string; clientId: string; tab: string | null }) {
  const envPath = `/environments/${seg(env)}`;
  const integration = useApiQuery<Integration>(
    keys.integration(env, clientId),
    `/environments/${seg(env)}/integrations/${seg(clientId)}`,
  );
  const apis = useApiQuery<Page<Api>>(keys.apis(env), `/environments/${seg(env)}/apis`);
  const caps = useCapabilities(env);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  /** The server answered a change of the integration: show it, and the lists that show it read again. */
  const changed = (updated: Integration) => {
    queryClient.setQueryData(keys.integration(env, clientId), updated);
    void queryClient.invalidateQueries({ queryKey: keys.integrationLists(env) });
  };
  const deleted = () => {
    queryClient.removeQueries({ queryKey: keys.integration(env, clientId) });
    void queryClient.invalidateQueries({ queryKey: keys.integrationLists(env) });
    // Both show its integration count.
    void queryClient.invalidateQueries({ queryKey: keys.environment(env), exact: true });
    void queryClient.invalidateQueries({ queryKey: keys.environmentLists });
    navigate(`${envPath}/integrations`);
  };
  // One loading state for what the tabs need, not one per part arriving.
  const waiting =
    integration.error === undefined &&
    caps.error === undefined &&
    (integration.loading || caps.loading || apis.loading);
  // A secret issued just before navigating here is shown once; a reload forgets it.
  const [secret, setSecret] = useState<string | undefined>(() => peekFreshSecret(clientId));
  useEffect(() => forgetFreshSecret(clientId), [clientId]);
  const [current, select] = useTabRoute(
    tab && INTEGRATION_TABS.includes(tab) ? tab : 'general',
    (v) => `${envPath}/integrations/${seg(clientId)}/${v}`,
  );
  const c = integration.data;

  return (
    <>
      <PageBreadcrumbs env={env} current={c?.name ?? clientId} />
      <Group gap="sm" mb="md" align="center">
        <Title order={1} size="h2">
          {c?.name ?? 'Integration'}
        </Title>
        {c && (
          <Badge color={c.enabled ? 'teal' : 'gray'} variant="light">
            {c.enabled ? 'Enabled' : 'Disabled'}
          </Badge>
        )}
      </Group>
      {c?.warnings.map((w) => (
        <Alert key={w} color="yellow" variant="light" title="Check this integration's permissions" mb="md">
          {w}
        </Alert>
      ))}
      {c?.description && (
        <Text c="dimmed" mb="md">
          {c.description}
        </Text>
      )}
      {waiting && <Loading label="Loading integration" />}
      {integration.error !== undefined && <ErrorState error={integration.error} onRetry={integration.reload} />}
      {integration.error === undefined && caps.error !== undefined && (
        <ErrorState error={caps.error} onRetry={caps.reload} />
      )}
      {c && caps.data && !waiting && (
        <CapabilitiesProvider value={caps.data}>
          <Tabs value={current} onChange={select}>
            <Tabs.List mb="md" className="gh-tabs">
              <Tabs.Tab value="general">General</Tabs.Tab>
              <Tabs.Tab value="permissions">Permissions</Tabs.Tab>
              <Tabs.Tab value="try-it">Try it</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="general">
              {/* The tab enables each action by the integration's `actions` (the server's policy for this caller). */}
              <GeneralTab
                integration={c}
                secret={secret}
                onSecret={setSecret}
                onChanged={changed}
                onDeleted={deleted}
              />
            </Tabs.Panel>
            <Tabs.Panel value="permissions">
              {apis.error !== undefined && <ErrorState error={apis.error} onRetry={apis.reload} />}
              <RequireAllowed allowed={c.actions.update.allowed} reason={c.actions.update.reason} what="permissions">
                {apis.data ? (
                  <PermissionsTab integration={c} apis={apis.data.items} />
                ) : (
                  apis.loading && <Loading label="Loading scopes" />
                )}
              </RequireAllowed>
            </Tabs.Panel>
            <Tabs.Panel value="try-it">
              <TryItPanel
                clientId={c.client_id}
                audience={apis.data?.items.find((a) => a.built_in)?.audience}
                keyOnly={c.token_endpoint_auth_method === 'private_key_jwt'}
              />
            </Tabs.Panel>
          </Tabs>
        </CapabilitiesProvider>
      )}
    </>
  );
}
