/**
 * A confirmation dialog for a destructive action: what happens, an optional typed confirmation
 * (the button stays disabled until `typed` is entered exactly), the server's error if it refuses.
 */
import { useState, type ReactNode } from 'react';
import { useForm } from '@mantine/form';
import { Alert, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { describeError } from '../api/client';

/** Props of {@link ConfirmModal}. */
export interface ConfirmModalProps {
  title: string;
  children: ReactNode;
  /** The red button's label. */
  confirmLabel: string;
  /** Text to type before the button is enabled (e.g. a slug). */
  typed?: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/** The dialog; closes itself after `onConfirm` succeeds. */
export function ConfirmModal({ title, children, confirmLabel, typed, onConfirm, onClose }: ConfirmModalProps) {
  const form = useForm({ mode: 'controlled', initialValues: { text: '' } });
  const text = form.values.text;
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={title}>
      <Stack>
        {children}
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        {typed !== undefined && (
          <TextInput
            label={`Type ${typed} to confirm`}
            {...form.getInputProps('text')}
            autoComplete="off"
            data-autofocus
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} {...(typed === undefined && { 'data-autofocus': true })}>
            Cancel
          </Button>
          <Button color="red" onClick={run} loading={busy} disabled={typed !== undefined && text !== typed}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
