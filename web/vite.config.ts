// The UI build: web/ → web/dist (hashed assets under /assets, served by Lectern's static-ui plugin).
// `npm run dev:web` serves it with hot reload on :18750 (or VITE_PORT), proxying the API to a
// running Lectern (LECTERN_URL, default http://127.0.0.1:8080).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const target = process.env.LECTERN_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Inline nothing: the CSP forbids data: scripts and inline styles.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1000,
  },
  server: {
    port: Number(process.env.VITE_PORT ?? 18750),
    strictPort: true,
    proxy: { '/v1': target },
  },
});
