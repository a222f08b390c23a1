/** Loading, error and empty states shared by every page. */
import type { ReactNode } from 'react';
import { Alert, Button, Center, EmptyState, Group, Loader } from '@mantine/core';
import { IconAlertCircle, IconInbox } from '@tabler/icons-react';
import { describeError } from '../api/client';

/** A centred spinner with an accessible label. */
export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <Center py="xl">
      <Loader aria-label={label} role="status" />
    </Center>
  );
}

/** A failed request, with a retry. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <Alert color="red" icon={<IconAlertCircle aria-hidden />} title="Something went wrong" role="alert">
      <Group justify="space-between" gap="sm">
        <span>{describeError(error)}</span>
        {onRetry && (
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            Retry
          </Button>
        )}
      </Group>
    </Alert>
  );
}

/** Nothing to show yet. */
export function Empty({ title, description, action }: { title: string; description?: ReactNode; action?: ReactNode }) {
  return (
    <EmptyState my="lg" icon={<IconInbox aria-hidden />} title={title} description={description}>
      {action}
    </EmptyState>
  );
}
