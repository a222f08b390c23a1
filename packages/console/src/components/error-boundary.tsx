/**
 * The console's one error boundary: a render error anywhere below it (a bug, or an answer of an
 * unexpected shape) shows a page saying what failed, with "Try again" (renders again, reading the
 * server anew) and "Reload the console", instead of a blank page. A new path clears it.
 * @packageDocumentation
 */
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useLocation } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Center, Code, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { describeError } from '../api/client';

interface State {
  error: unknown;
}

/** The error page: what failed, and the ways back. */
function ErrorPage({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <Center mih="100vh" p="md">
      <Paper component="main" withBorder p="xl" radius="md" w="100%" maw={560} role="alert" data-testid="error-page">
        <Stack>
          <Group gap="sm" wrap="nowrap">
            <IconAlertTriangle size={28} aria-hidden color="var(--mantine-color-red-8)" />
            <Title order={1} size="h2">
              The console ran into a problem
            </Title>
          </Group>
          <Text>
            This page could not be shown. Nothing was changed by it. Try again, or reload the console; if it keeps
            happening, tell your administrator what it says below.
          </Text>
          <Alert color="red" variant="light" title="What failed">
            <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {describeError(error) || 'Unknown error'}
            </Code>
          </Alert>
          <Group>
            <Button onClick={onRetry}>Try again</Button>
            <Button variant="default" onClick={() => window.location.assign('/console/')}>
              Reload the console
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Center>
  );
}

class Boundary extends Component<{ children: ReactNode; pathname: string; onReset: () => void }, State> {
  override state: State = { error: undefined };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error ?? new Error('unknown error') };
  }

  /** Another page was opened (a link, back/forward): show it. */
  override componentDidUpdate(prev: { pathname: string }): void {
    if (this.state.error !== undefined && prev.pathname !== this.props.pathname) this.setState({ error: undefined });
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('console error', error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error === undefined) return this.props.children;
    return (
      <ErrorPage
        error={this.state.error}
        onRetry={() => {
          this.props.onReset();
          this.setState({ error: undefined });
        }}
      />
    );
  }
}

/** Wraps the app (inside the router and the query client): one boundary, cleared by a new path. */
export function AppErrorBoundary({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  const queryClient = useQueryClient();
  return (
    <Boundary pathname={pathname} onReset={() => queryClient.resetQueries()}>
      {children}
    </Boundary>
  );
}
