/**
 * Filters of the audit log (issue #19): action (exact or a family like `integration.*`), actor,
 * target and a time window, sent as the API's query parameters; and the "what changed" cell.
 */
import { useForm } from '@mantine/form';
import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import type { AuditEvent } from '../api/types';

/** The filter values; empty strings mean "any". `since`/`until` are `datetime-local` values. */
export interface AuditFilterValues {
  action: string;
  actor: string;
  target: string;
  since: string;
  until: string;
}

export const NO_FILTER: AuditFilterValues = { action: '', actor: '', target: '', since: '', until: '' };

/** The query string (`&action=…`) of `f`; local times become ISO 8601 UTC. */
export function filterQuery(f: AuditFilterValues): string {
  const params = new URLSearchParams();
  for (const key of ['action', 'actor', 'target'] as const) if (f[key].trim()) params.set(key, f[key].trim());
  for (const key of ['since', 'until'] as const) {
    const ms = f[key] ? new Date(f[key]).getTime() : NaN;
    if (Number.isFinite(ms)) params.set(key, new Date(ms).toISOString());
  }
  const q = params.toString();
  return q ? `&${q}` : '';
}

/** The filter form; `onApply` gets the values when submitted or cleared. */
export function AuditFilters({
  value,
  onApply,
}: {
  value: AuditFilterValues;
  onApply: (f: AuditFilterValues) => void;
}) {
  const form = useForm<AuditFilterValues>({ mode: 'controlled', initialValues: value });
  return (
    <form aria-label="Filter the audit log" onSubmit={form.onSubmit(onApply)}>
      <Group align="flex-end" gap="sm" wrap="wrap">
        <TextInput
          label="Action"
          placeholder="integration.*"
          {...form.getInputProps('action')}
          maxLength={100}
          w={170}
        />
        <TextInput
          label="Actor"
          placeholder="admin:ada@example.com"
          {...form.getInputProps('actor')}
          maxLength={320}
          w={200}
        />
        <TextInput
          label="Target"
          placeholder="client ID, slug…"
          {...form.getInputProps('target')}
          maxLength={320}
          w={200}
        />
        <TextInput label="Since" type="datetime-local" {...form.getInputProps('since')} w={200} />
        <TextInput label="Until" type="datetime-local" {...form.getInputProps('until')} w={200} />
        <Button type="submit">Filter</Button>
        <Button
          variant="default"
          onClick={() => {
            form.setValues(NO_FILTER);
            onApply(NO_FILTER);
          }}
        >
          Clear
        </Button>
      </Group>
    </form>
  );
}

/** Before → after of each changed field of an update; the recorded value alone when there was no before. */
export function ChangesCell({ changes }: { changes: AuditEvent['changes'] }) {
  if (!changes || !Object.keys(changes).length) return null;
  return (
    <Stack gap={2} className="gh-changes">
      {Object.entries(changes).map(([field, c]) => (
        <Text key={field} size="xs">
          <b>{field}</b>:{' '}
          {c.before === null || c.before === undefined ? (
            <code>{JSON.stringify(c.after)}</code>
          ) : (
            <>
              <code>{JSON.stringify(c.before)}</code> → <code>{JSON.stringify(c.after)}</code>
            </>
          )}
        </Text>
      ))}
    </Stack>
  );
}
