/** A client secret shown once, right after creation or rotation. */
import type { ReactNode } from 'react';
import { Alert, Stack } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { CopyField } from './copy-field';

/**
 * The secret with a copy button and a clear notice that it won't be shown again; `children`, when
 * given, say more under it (how the secret is used).
 */
export function SecretReveal({
  secret,
  label = 'Client secret',
  children,
}: {
  secret: string;
  label?: string;
  children?: ReactNode;
}) {
  return (
    <Alert
      color="yellow"
      icon={<IconAlertTriangle aria-hidden />}
      title={`Copy the ${label.toLowerCase()} now`}
      role="region"
      aria-label={`New ${label.toLowerCase()}`}
    >
      <Stack gap="sm">
        <span>
          You won't see this again. Store it in a key store or an environment variable, never in front-end code.
        </span>
        <CopyField label={label} value={secret} />
        {children}
      </Stack>
    </Alert>
  );
}

const fresh = new Map<string, string>();

/** Hands a just-issued secret to the integration page (memory only: a reload forgets it). */
export function keepFreshSecret(clientId: string, secret: string): void {
  fresh.set(clientId, secret);
}

/** The just-issued secret of `clientId`, if the page was opened right after it was issued. */
export function peekFreshSecret(clientId: string): string | undefined {
  return fresh.get(clientId);
}

/** Forgets the just-issued secret of `clientId` (the page showed it). */
export function forgetFreshSecret(clientId: string): void {
  fresh.delete(clientId);
}
