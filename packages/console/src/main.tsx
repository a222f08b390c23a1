/**
 * Entry point. Mantine's theme variables come from its static stylesheet and no `<style>` element
 * is injected (no CSS-variables or global-classes element, and modals don't lock scrolling, which
 * would add one), so the server's CSP (`default-src 'self'`) needs no `unsafe-inline`.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createTheme, MantineProvider, Modal } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './styles.css';
import { App } from './app';

const theme = createTheme({ components: { Modal: Modal.extend({ defaultProps: { lockScroll: false } }) } });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} withCssVariables={false} withGlobalClasses={false} defaultColorScheme="light">
      <Notifications position="top-right" />
      <App />
    </MantineProvider>
  </StrictMode>,
);
