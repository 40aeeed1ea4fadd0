import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { bundleBudget } from './bundle-budget.mjs';

const root = fileURLToPath(new URL('.', import.meta.url));
/** Where `vite dev`/`vite preview` forward the API, so the page stays same-origin (the hub also allows CORS_ORIGINS). */
const hub = process.env['GRIDHUB_URL'] ?? 'http://127.0.0.1:4000';
const proxy = {
  '/graphql': { target: hub, ws: true, changeOrigin: true },
  '/photos': { target: hub, changeOrigin: true },
  '/bot/login': { target: hub, changeOrigin: true },
};

/**
 * The command centre page: web/ built into dist/web (beside the hub's compiled dist/src), which
 * the hub serves at / (src/http/web.route.ts). Relative asset URLs so the page works under any mount path.
 */
export default defineConfig({
  root,
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: true,
    // The page, and the GraphQL explorer the hub serves at GET /graphql (outside the page's first-load budget).
    rolldownOptions: { input: { main: fileURLToPath(new URL('index.html', import.meta.url)), explorer: fileURLToPath(new URL('explorer.html', import.meta.url)) } },
  },
  plugins: [bundleBudget(350)],
  server: { proxy },
  preview: { proxy },
});
