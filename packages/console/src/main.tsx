/**
 * Entry point. Mantine's theme variables come from its static stylesheet and no `<style>` element
 * is injected (no CSS-variables or global-classes element, and modals don't lock scrolling, which
 * would add one), so the server's CSP (`default-src 'self'`) needs no `unsafe-inline`.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createTheme, MantineProvider, Modal, Notification, TableScrollContainer } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './theme.css';
import './styles.css';
import { BrowserRouter } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiClient, ApiClientProvider } from './api/client';
import { App } from './app';
import { AppErrorBoundary } from './components/error-boundary';

/**
 * Modals and toasts: a named close button; tables: native sideways scrolling (a visible scrollbar, and a hint
 * from scroll-hints.tsx) instead of Mantine's hover-only scroll area. Colours: theme.css.
 */
const theme = createTheme({
  components: {
    Modal: Modal.extend({ defaultProps: { lockScroll: false, closeButtonProps: { 'aria-label': 'Close dialog' } } }),
    Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close notification' } } }),
    TableScrollContainer: TableScrollContainer.extend({ defaultProps: { type: 'native' } }),
  },
});

/**
 * Server state: a failed read shows its error where it was made (no retry: the answer is the
 * server's); a screen shown again shows what it had while it reads again, and a tab brought to the
 * front reads again what it shows (another tab may have changed it).
 */
const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });

const apiClient = new ApiClient();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter basename="/console">
      <QueryClientProvider client={queryClient}>
        <ApiClientProvider value={apiClient}>
          <MantineProvider theme={theme} withCssVariables={false} withGlobalClasses={false} defaultColorScheme="light">
            {/* Below modals (200): a toast never covers a dialog or its close button. */}
            <Notifications position="bottom-right" zIndex={190} />
            <AppErrorBoundary>
              <App />
            </AppErrorBoundary>
          </MantineProvider>
        </ApiClientProvider>
      </QueryClientProvider>
    </BrowserRouter>
  </StrictMode>,
);
