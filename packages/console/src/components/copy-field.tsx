/** A read-only value with a copy button (client IDs, secrets, snippets). */
import { useId } from 'react';
import { ActionIcon, Code, CopyButton, Group, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

/** A button that copies `value`, named "Copy {label}". */
export function CopyIconButton({ label, value }: { label: string; value: string }) {
  return (
    <CopyButton value={value} timeout={1500}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
          <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={`Copy ${label}`}>
            {copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}

/** Shows `value` labelled `label`, with a "Copy {label}" button; `data-testid` defaults to the label in kebab case. */
export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const slug = label.toLowerCase().replace(/\W+/g, '-');
  const id = useId();
  return (
    <div>
      <Text size="sm" fw={500} id={id}>
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap" align="center">
        <Code
          aria-labelledby={id}
          data-testid={testId ?? slug}
          style={{ wordBreak: 'break-all', fontSize: 14, padding: '6px 8px' }}
        >
          {value}
        </Code>
        <CopyIconButton label={label} value={value} />
      </Group>
    </div>
  );
}
