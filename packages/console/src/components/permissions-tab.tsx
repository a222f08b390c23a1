/**
 * The "Permissions" tab: every API's scopes as labelled checkboxes grouped by resource, the
 * presets "Read-only" (content read scopes) and "All permissions" (all but integrations:secrets)
 * for the Environment API, and "Save". A change of grants ends token reuse: the next token
 * carries the new scopes, and a reduction applies to tokens already issued (on tenant APIs by
 * revoking them, unless "Keep tokens" is ticked).
 */
import { useMemo, useState } from 'react';
import { Button, Checkbox, Fieldset, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { describeError, seg, useApi } from '../api/client';
import type { Api, Integration } from '../api/types';
import { allPermissionScopes, readOnlyScopes } from './permission-summary';
import { SavedNote } from './saved-note';

type Selection = Record<string, string[]>;

function initial(c: Integration, apis: Api[]): Selection {
  return Object.fromEntries(
    apis.map((a) => [a.audience, c.grants.find((g) => g.audience === a.audience)?.scopes ?? []]),
  );
}

function byResource(scopes: Api['scopes']): [string, Api['scopes']][] {
  const groups = new Map<string, Api['scopes']>();
  for (const s of scopes) {
    const resource = s.value.includes(':') ? s.value.slice(0, s.value.indexOf(':')) : 'other';
    groups.set(resource, [...(groups.get(resource) ?? []), s]);
  }
  return [...groups];
}

const title = (resource: string) => resource.charAt(0).toUpperCase() + resource.slice(1);

/** The tab; `onSaved` gets the changed integration. */
export function PermissionsTab({
  integration: c,
  apis,
  onSaved,
}: {
  integration: Integration;
  apis: Api[];
  onSaved: (c: Integration) => void;
}) {
  const { api } = useApi();
  const saved = useMemo(() => initial(c, apis), [c, apis]);
  const [selection, setSelection] = useState<Selection>(saved);
  const [busy, setBusy] = useState(false);
  const [keepTokens, setKeepTokens] = useState(false);
  const [savedAt, setSavedAt] = useState<Date | undefined>();
  const dirty = apis.some(
    (a) => [...(selection[a.audience] ?? [])].sort().join(' ') !== [...(saved[a.audience] ?? [])].sort().join(' '),
  );
  const envApi = apis.find((a) => a.built_in);
  // A tenant API losing a scope: its resource servers verify tokens locally and can't see the cut.
  const tenantReduced = apis.some(
    (a) => !a.built_in && (saved[a.audience] ?? []).some((s) => !selection[a.audience]?.includes(s)),
  );

  const toggle = (audience: string, scope: string, on: boolean) =>
    setSelection((s) => ({
      ...s,
      [audience]: on ? [...new Set([...(s[audience] ?? []), scope])] : (s[audience] ?? []).filter((x) => x !== scope),
    }));
  const preset = (scopes: string[]) => envApi && setSelection((s) => ({ ...s, [envApi.audience]: scopes }));
  const save = async () => {
    setBusy(true);
    try {
      const grants = apis.map((a) => ({
        audience: a.audience,
        scopes: a.scopes.map((s) => s.value).filter((v) => selection[a.audience]?.includes(v)),
      }));
      const updated = await api<Integration>(
        'PATCH',
        `/environments/${seg(c.environment)}/integrations/${seg(c.client_id)}`,
        { grants, ...(tenantReduced && keepTokens && { keep_tokens: true }) },
      );
      onSaved(updated);
      setSelection(initial(updated, apis));
      setSavedAt(new Date());
      notifications.show({
        color: 'teal',
        title: 'Permissions saved',
        message: 'The next token request gets the new scopes.',
      });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Permissions not saved', message: describeError(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack>
      {envApi && (
        <Group gap="sm">
          <Text size="sm" fw={500}>
            Presets:
          </Text>
          <Button size="xs" variant="default" onClick={() => preset(readOnlyScopes(envApi.scopes.map((s) => s.value)))}>
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
          checked={keepTokens}
          onChange={(e) => setKeepTokens(e.currentTarget.checked)}
        />
      )}
      <Group justify="flex-end">
        <SavedNote savedAt={dirty ? undefined : savedAt} detail="the next token gets these scopes" />
        <Button variant="default" disabled={!dirty || busy} onClick={() => setSelection(saved)}>
          Reset
        </Button>
        <Button loading={busy} disabled={!dirty} onClick={save}>
          Save
        </Button>
      </Group>
    </Stack>
  );
}
