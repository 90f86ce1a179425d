// Vite builds the workbench (index.html) and GraphiQL (graphiql.html) into dist/,
// which the Go binary embeds (web/embed.go). File names carry no hashes so that a
// rebuild from the same lockfile gives byte-identical output (tools/check-generated
// compares them); the server sends ETags instead.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2020',
    chunkSizeWarningLimit: 4096,
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: {
        index: here('./index.html'),
        graphiql: here('./graphiql.html'),
      },
      output: {
        entryFileNames: 'assets/[name].js',
        chunkFileNames: 'assets/[name].js',
        assetFileNames: 'assets/[name][extname]',
      },
    },
  },
});
