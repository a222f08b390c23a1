/**
 * The "Permissions" tab: every API's scopes as labelled checkboxes grouped by resource, the
 * presets "Read-only" (content read scopes) and "All permissions" (all but integrations:secrets)
 * for the Environment API, token exchange (RFC 8693: on/off and the audiences it may exchange
 * for), and "Save". A change of grants ends token reuse: the next token carries the new scopes,
 * and a reduction applies to tokens already issued (on tenant APIs by revoking them, unless
 * "Keep tokens" is ticked).
 */
import { useMemo, useState } from 'react';
import { useForm } from '@mantine/form';
import { Button, Checkbox, Fieldset, Group, Radio, Stack, Switch, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { describeError } from '../api/client';
import { useUpdateIntegration } from '../api/mutations';
import type { Api, Integration, IntegrationUpdate } from '../api/types';
import { allPermissionScopes, readOnlyScopes } from './permission-summary';
import { SavedNote } from './saved-note';

type Selection = Record<string, string[]>;

/** The form: scopes by audience, and the token-exchange setting (`any`: no audience list). */
interface Values {
  selection: Selection;
  keepTokens: boolean;
  exchange: { enabled: boolean; any: boolean; audiences: string[] };
}

function initial(c: Integration, apis: Api[]): Values {
  return {
    selection: Object.fromEntries(
      apis.map((a) => [a.audience, c.grants.find((g) => g.audience === a.audience)?.scopes ?? []]),
    ),
    keepTokens: false,
    exchange: {
      enabled: c.token_exchange.enabled,
      any: c.token_exchange.audiences === null,
      audiences: c.token_exchange.audiences ?? [],
    },
  };
}

const sameSet = (a: readonly string[] = [], b: readonly string[] = []) =>
  [...a].sort().join(' ') === [...b].sort().join(' ');

function byResource(scopes: Api['scopes']): [string, Api['scopes']][] {
  const groups = new Map<string, Api['scopes']>();
  for (const s of scopes) {
    const resource = s.value.includes(':') ? s.value.slice(0, s.value.indexOf(':')) : 'other';
    groups.set(resource, [...(groups.get(resource) ?? []), s]);
  }
  return [...groups];
}

const title = (resource: string) => resource.charAt(0).toUpperCase() + resource.slice(1);

/** The tab (the integration's query is updated with the server's answer). */
export function PermissionsTab({ integration: c, apis }: { integration: Integration; apis: Api[] }) {
  const saved = useMemo(() => initial(c, apis), [c, apis]);
  const form = useForm<Values>({ mode: 'controlled', initialValues: saved });
  const update = useUpdateIntegration(c.environment, c.client_id);
  const [savedAt, setSavedAt] = useState<Date | undefined>();
  const { selection, exchange } = form.values;
  const grantsDirty = apis.some((a) => !sameSet(selection[a.audience], saved.selection[a.audience]));
  const exchangeDirty =
    exchange.enabled !== saved.exchange.enabled ||
    (exchange.enabled &&
      (exchange.any !== saved.exchange.any ||
        (!exchange.any && !sameSet(exchange.audiences, saved.exchange.audiences))));
  const dirty = grantsDirty || exchangeDirty;
  // "Only these APIs" with none ticked would allow nothing: the server takes an empty list as "any".
  const exchangeInvalid = exchange.enabled && !exchange.any && exchange.audiences.length === 0;
  const envApi = apis.find((a) => a.built_in);
  // A tenant API losing a scope: its resource servers verify tokens locally and can't see the cut.
  const tenantReduced = apis.some(
    (a) => !a.built_in && (saved.selection[a.audience] ?? []).some((s) => !selection[a.audience]?.includes(s)),
  );

  const toggle = (audience: string, scope: string, on: boolean) => {
    const held = selection[audience] ?? [];
    // Not a path `selection.<audience>`: an audience is a URL, with dots.
    form.setFieldValue('selection', {
      ...selection,
      [audience]: on ? [...new Set([...held, scope])] : held.filter((x) => x !== scope),
    });
  };
  const preset = (scopes: string[]) =>
    envApi && form.setFieldValue('selection', { ...selection, [envApi.audience]: scopes });
  const toggleAudience = (audience: string, on: boolean) =>
    form.setFieldValue(
      'exchange.audiences',
      on ? [...new Set([...exchange.audiences, audience])] : exchange.audiences.filter((a) => a !== audience),
    );
  const save = async (values: Values) => {
    const body: IntegrationUpdate = {};
    if (grantsDirty)
      body.grants = apis.map((a) => ({
        audience: a.audience,
        scopes: a.scopes.map((s) => s.value).filter((v) => values.selection[a.audience]?.includes(v)),
      }));
    if (grantsDirty && tenantReduced && values.keepTokens) body.keep_tokens = true;
    if (exchangeDirty)
      body.token_exchange = {
        enabled: values.exchange.enabled,
        ...(values.exchange.enabled && { audiences: values.exchange.any ? null : values.exchange.audiences }),
      };
    try {
      const updated = await update.mutateAsync(body);
      form.setValues(initial(updated, apis));
      setSavedAt(new Date());
      notifications.show({
        color: 'teal',
        title: 'Permissions saved',
        message: 'The next token request gets the new scopes.',
      });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Permissions not saved', message: describeError(err) });
    }
  };

  return (
    <form onSubmit={form.onSubmit((v) => void save(v))} aria-label="Permissions">
      <Stack>
        {envApi && (
          <Group gap="sm">
            <Text size="sm" fw={500}>
              Presets:
            </Text>
            <Button
              size="xs"
              variant="default"
              onClick={() => preset(readOnlyScopes(envApi.scopes.map((s) => s.value)))}
            >
              Read-only
            </Button>
            <Button
              size="xs"
              variant="default"
              onClick={() => preset(allPermissionScopes(envApi.scopes.map((s) => s.value)))}
            >
              All permissions
            </Button>
          </Group>
        )}
        {apis.map((a) => (
          <Stack key={a.id} gap="sm">
            <div>
              <Title order={2} size="h4">
                {a.name}
              </Title>
              <Text size="xs" c="dimmed">
                Audience <code>{a.audience}</code>
              </Text>
            </div>
            {a.scopes.length === 0 && <Text size="sm">This API has no scopes.</Text>}
            <Group align="stretch" gap="md">
              {byResource(a.scopes).map(([resource, scopes]) => (
                <Fieldset key={resource} legend={title(resource)} style={{ flex: '1 1 260px' }}>
                  <Stack gap="sm">
                    {scopes.map((s) => (
                      <Checkbox
                        key={s.value}
                        label={s.value}
                        description={s.description}
                        checked={selection[a.audience]?.includes(s.value) ?? false}
                        onChange={(e) => toggle(a.audience, s.value, e.currentTarget.checked)}
                      />
                    ))}
                  </Stack>
                </Fieldset>
              ))}
            </Group>
          </Stack>
        ))}
        {tenantReduced && (
          <Checkbox
            label="Keep tokens already issued for these APIs"
            description="By default, removing a scope of your own API revokes the integration's tokens for it, since your API checks tokens itself and would keep honouring the removed scope until they expire. The Environment API applies the change to every token at once either way."
            {...form.getInputProps('keepTokens', { type: 'checkbox' })}
          />
        )}
        <Fieldset legend="Token exchange" data-testid="token-exchange">
          <Stack gap="sm">
            <Switch
              label="Allow token exchange"
              description="It may trade a token it holds for a narrower one for another API, acting for the token's subject (RFC 8693). The new token never carries more than the subject token or these permissions."
              {...form.getInputProps('exchange.enabled', { type: 'checkbox' })}
            />
            {exchange.enabled && (
              <Radio.Group
                label="Audiences it may exchange for"
                value={exchange.any ? 'any' : 'some'}
                onChange={(v) => form.setFieldValue('exchange.any', v === 'any')}
              >
                <Stack gap="xs" mt={4}>
                  <Radio value="any" label="Any API it has permissions on" />
                  <Radio value="some" label="Only these APIs" />
                  {!exchange.any && (
                    <Stack gap="xs" pl="lg" role="group" aria-label="Exchange audiences">
                      {apis.map((a) => (
                        <Checkbox
                          key={a.id}
                          label={a.name}
                          description={a.audience}
                          checked={exchange.audiences.includes(a.audience)}
                          onChange={(e) => toggleAudience(a.audience, e.currentTarget.checked)}
                        />
                      ))}
                      {exchangeInvalid && (
                        <Text size="sm" c="red.8" role="alert">
                          Tick at least one API, or choose "Any API".
                        </Text>
                      )}
                    </Stack>
                  )}
                </Stack>
              </Radio.Group>
            )}
          </Stack>
        </Fieldset>
        <Group justify="flex-end">
          <SavedNote savedAt={dirty ? undefined : savedAt} detail="the next token gets these scopes" />
          <Button variant="default" disabled={!dirty || update.isPending} onClick={() => form.setValues(saved)}>
            Reset
          </Button>
          <Button type="submit" loading={update.isPending} disabled={!dirty || exchangeInvalid}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
