/**
 * The visible confirmation beside a "Save" button: "Saved" with a tick and when, announced to
 * screen readers (`role="status"`). Shown from a successful save until the form changes again.
 * @packageDocumentation
 */
import { Group, Text } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';

/** `savedAt` is when the last save succeeded (undefined: nothing to confirm); `detail` says what follows. */
export function SavedNote({ savedAt, detail }: { savedAt: Date | undefined; detail?: string }) {
  return (
    <div role="status" aria-live="polite">
      {savedAt && (
        <Group gap={6} wrap="nowrap" data-testid="saved-note">
          <IconCircleCheck size={18} color="var(--mantine-color-teal-filled)" aria-hidden />
          <Text size="sm" c="var(--mantine-color-teal-light-color)" fw={500}>
            Saved at {savedAt.toLocaleTimeString()}
            {detail && (
              <Text span size="sm" c="dimmed" fw={400}>
                {' '}
                · {detail}
              </Text>
            )}
          </Text>
        </Group>
      )}
    </div>
  );
}
