/**
 * Builds the browser pages the gateway serves (web/dist): the live board of loads (index.html, served at
 * `/`) and the GraphQL IDE (ide.html, served at the GraphQL path to browsers). Everything a page loads is
 * bundled here, fonts and editor workers included, so nothing is fetched from another host at run time.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  // The board is Preact; the IDE (GraphiQL) is React and builds its elements without JSX.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Monaco's editor is large by nature: the IDE is measured in the README, not warned about here.
    chunkSizeWarningLimit: 8_000,
    rollupOptions: {
      input: { board: `${root}index.html`, ide: `${root}ide.html` },
      // React libraries mark their modules "use client", which means nothing in a client-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  worker: { format: 'es' },
});
