/**
 * One environment: tabs "Integrations", "Customers", "APIs", "Customer tokens", "Settings",
 * "Audit log", "Webhooks" and "Members" (each tab is a route: `/environments/{env}/{tab}`).
 */
import { Tabs, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { seg } from '../api/client';
import type { Environment } from '../api/types';
import { keys, useApiQuery } from '../api/queries';
import { PageBreadcrumbs } from '../components/page-breadcrumbs';
import { useTabRoute } from '../components/use-tab-route';
import { ErrorState, Loading } from '../components/states';
import { IntegrationsTab } from '../components/integrations-tab';
import { CustomersTab } from '../components/customers-tab';
import { ApisTab } from '../components/apis-tab';
import { CustomerTokensTab } from '../components/customer-tokens-tab';
import { SettingsTab } from '../components/settings-tab';
import { AuditTab } from '../components/audit-tab';
import { DeleteEnvironment } from '../components/delete-environment';
import { MembersTab } from '../components/members-tab';
import { WebhooksTab } from '../components/webhooks-tab';
import { CapabilitiesProvider, RequireCapability, useCapabilities } from '../capabilities';

/** The tabs: route segment and label. */
export const ENVIRONMENT_TABS = [
  ['integrations', 'Integrations'],
  ['customers', 'Customers'],
  ['apis', 'APIs'],
  ['customer-tokens', 'Customer tokens'],
  ['settings', 'Settings'],
  ['audit', 'Audit log'],
  ['webhooks', 'Webhooks'],
  ['members', 'Members'],
] as const;

/** The environment page. */
export function EnvironmentPage({ env, tab }: { env: string; tab: string | null }) {
  const environment = useApiQuery<Environment>(keys.environment(env), `/environments/${seg(env)}`);
  const queryClient = useQueryClient();
  const caps = useCapabilities(env);
  // Customer-token credentials are hidden from roles that may not read them; webhooks from roles that may not manage them.
  const needs: Partial<Record<string, string>> = { 'customer-tokens': 'credentials:read', webhooks: 'webhooks:write' };
  const tabs = ENVIRONMENT_TABS.filter(([v]) => {
    const capability = needs[v];
    return capability === undefined || caps.data?.operator || caps.data?.capabilities.includes(capability);
  });
  const [current, select] = useTabRoute(
    tabs.some(([v]) => v === tab) ? tab! : 'integrations',
    (v) => `/environments/${seg(env)}/${v}`,
  );
  return (
    <>
      <PageBreadcrumbs env={env} envName={environment.data?.name ?? (environment.error ? env : null)} />
      <Title order={1} size="h2">
        {environment.data?.name ?? env}
      </Title>
      <Text c="dimmed" size="sm" mb="md">
        Environment <code>{env}</code>
      </Text>
      {environment.loading && !environment.data && <Loading label="Loading environment" />}
      {environment.error !== undefined && <ErrorState error={environment.error} onRetry={environment.reload} />}
      {/* One error for one failure: an unknown environment fails both requests. */}
      {environment.error === undefined && caps.error !== undefined && (
        <ErrorState error={caps.error} onRetry={caps.reload} />
      )}
      {environment.data && caps.data && (
        <CapabilitiesProvider value={caps.data}>
          <Tabs value={current} onChange={select} keepMounted={false}>
            <Tabs.List mb="md" className="gh-tabs">
              {tabs.map(([value, label]) => (
                <Tabs.Tab key={value} value={value}>
                  {label}
                </Tabs.Tab>
              ))}
            </Tabs.List>
            <Tabs.Panel value="integrations">
              <IntegrationsTab env={env} />
            </Tabs.Panel>
            <Tabs.Panel value="customers">
              {/* Not a disabled fieldset: "View" (reading a customer) stays usable; CustomersTab disables Delete itself. */}
              <CustomersTab env={env} />
            </Tabs.Panel>
            <Tabs.Panel value="apis">
              <RequireCapability capability="apis:write" what="APIs">
                <ApisTab env={env} />
              </RequireCapability>
            </Tabs.Panel>
            <Tabs.Panel value="customer-tokens">
              <RequireCapability capability="credentials:write" what="customer-token credentials">
                <CustomerTokensTab env={env} />
              </RequireCapability>
            </Tabs.Panel>
            <Tabs.Panel value="settings">
              <RequireCapability capability="environment:write" what="settings">
                <SettingsTab
                  environment={environment.data}
                  onSaved={(saved) => {
                    queryClient.setQueryData(keys.environment(env), saved);
                    // The list shows its name: read again when shown (nothing on this page shows it).
                    void queryClient.invalidateQueries({ queryKey: keys.environmentLists, refetchType: 'none' });
                  }}
                />
              </RequireCapability>
              <DeleteEnvironment env={environment.data} />
            </Tabs.Panel>
            <Tabs.Panel value="audit">
              <AuditTab env={env} />
            </Tabs.Panel>
            <Tabs.Panel value="webhooks">
              <WebhooksTab env={env} />
            </Tabs.Panel>
            <Tabs.Panel value="members">
              <MembersTab env={env} />
            </Tabs.Panel>
          </Tabs>
        </CapabilitiesProvider>
      )}
    </>
  );
}
