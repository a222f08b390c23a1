/**
 * A scopes editor that can't mangle input: one row per scope with separate value and description
 * inputs (add and remove rows). Typing or pasting several values into a value input, separated by
 * spaces or commas (`invoices:read invoices:write`), makes one row each; every value is checked
 * against the RFC 6749 §3.3 scope-token grammar with an inline error.
 */
import { useRef } from 'react';
import { ActionIcon, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';

/** RFC 6749 §3.3 scope-token: printable ASCII but space, `"` and `\`; at most 200 characters here. */
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,200}$/;

/** One row of the editor. */
export interface ScopeRow {
  key: number;
  value: string;
  description: string;
}

let nextKey = 1;
/** A row with a fresh key. */
export function scopeRow(value = '', description = ''): ScopeRow {
  return { key: nextKey++, value, description };
}

/** The rows of `scopes` (at least one, empty, to type in). */
export function rowsOf(scopes: readonly { value: string; description: string }[]): ScopeRow[] {
  return scopes.length ? scopes.map((s) => scopeRow(s.value, s.description)) : [scopeRow()];
}

/** What is wrong with row `i` of `rows`, if anything (empty rows are ignored). */
export function rowError(rows: readonly ScopeRow[], i: number): string | undefined {
  const v = rows[i]!.value.trim();
  if (!v) return rows[i]!.description.trim() ? 'Give the scope for this description' : undefined;
  if (!SCOPE.test(v)) return 'A scope is 1–200 printable characters without spaces, quotes or backslashes';
  if (rows.findIndex((r) => r.value.trim() === v) !== i) return 'This scope is already listed';
  return undefined;
}

/** The scopes of `rows` for the API, or undefined while a row is wrong. */
export function scopesOf(rows: readonly ScopeRow[]): { value: string; description: string }[] | undefined {
  if (rows.some((_, i) => rowError(rows, i))) return undefined;
  return rows.filter((r) => r.value.trim()).map((r) => ({ value: r.value.trim(), description: r.description.trim() }));
}

/**
 * Row `i` set to `text`: with two or more values separated by spaces or commas, this row keeps the
 * first and new rows after it take the others. A lone trailing separator is kept until more is typed.
 */
export function withValue(rows: readonly ScopeRow[], i: number, text: string): ScopeRow[] {
  const values = text.split(/[\s,]+/).filter(Boolean);
  if (values.length < 2) return rows.map((r, j) => (j === i ? { ...r, value: text } : r));
  const out = [...rows];
  out.splice(i, 1, { ...rows[i]!, value: values[0]! }, ...values.slice(1).map((v) => scopeRow(v)));
  return out;
}

/** The editor. */
export function ScopesEditor({
  rows,
  onChange,
  label = 'Scopes',
}: {
  rows: ScopeRow[];
  onChange: (rows: ScopeRow[]) => void;
  label?: string;
}) {
  // After a split, typing goes on in the last new row (its input is focused when it mounts).
  const focusKey = useRef<number | null>(null);
  const setValue = (i: number, text: string) => {
    const next = withValue(rows, i, text);
    if (next.length > rows.length) focusKey.current = next[i + next.length - rows.length]!.key;
    onChange(next);
  };
  const add = () => {
    const row = scopeRow();
    focusKey.current = row.key;
    onChange([...rows, row]);
  };
  return (
    <Stack gap={6} role="group" aria-label={label}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      <Text size="xs" c="dimmed">
        One scope per row, e.g. <code>invoices:read</code>. Pasting several separated by spaces or commas makes one row
        each.
      </Text>
      {rows.map((r, i) => {
        const error = rowError(rows, i);
        const n = i + 1;
        return (
          <Group key={r.key} gap="xs" align="flex-start" wrap="nowrap">
            {/* Value and description side by side; on a phone, one above the other (flex wrap: no
                responsive props, whose injected <style> the console's CSP refuses). */}
            <Group gap={6} align="flex-start" style={{ flex: 1, minWidth: 0 }}>
              <TextInput
                aria-label={`Scope ${n}`}
                placeholder="invoices:read"
                style={{ flex: '1 1 150px', minWidth: 0 }}
                value={r.value}
                error={error}
                onChange={(e) => setValue(i, e.currentTarget.value)}
                ref={(el) => {
                  if (el && focusKey.current === r.key) {
                    focusKey.current = null;
                    el.focus();
                    el.setSelectionRange(el.value.length, el.value.length);
                  }
                }}
              />
              <TextInput
                aria-label={`Description of scope ${n}`}
                placeholder="Read invoices"
                style={{ flex: '1 1 150px', minWidth: 0 }}
                value={r.description}
                onChange={(e) => {
                  const description = e.currentTarget.value;
                  onChange(rows.map((x, j) => (j === i ? { ...x, description } : x)));
                }}
              />
            </Group>
            <ActionIcon
              variant="subtle"
              color="red"
              size="lg"
              aria-label={`Remove scope ${n}${r.value ? ` (${r.value})` : ''}`}
              onClick={() => onChange(rows.length > 1 ? rows.filter((_, j) => j !== i) : [scopeRow()])}
            >
              <IconTrash size={16} aria-hidden />
            </ActionIcon>
          </Group>
        );
      })}
      <Group>
        <Button variant="light" size="xs" leftSection={<IconPlus size={14} aria-hidden />} onClick={add}>
          Add scope
        </Button>
      </Group>
    </Stack>
  );
}
