/**
 * Builds the console into `dist/`, served by Gatehouse at `/console/`. Nothing is inlined as a
 * `data:` URL and no inline script is emitted, so the server's CSP `default-src 'self'` holds.
 * `npm run dev` proxies the API to a Gatehouse on 127.0.0.1:4000.
 */
import { defineConfig, type PluginOption } from 'vite';
import react from '@vitejs/plugin-react';

const gatehouse = 'http://127.0.0.1:4000';

export default defineConfig({
  base: '/console/',
  // The plugin's types come from the workspace root's Vite (Vitest's); it runs on this one.
  plugins: [react() as unknown as PluginOption],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
    modulePreload: { polyfill: false },
  },
  server: { proxy: { '/api': gatehouse, '/oauth': gatehouse, '/.well-known': gatehouse } },
});
