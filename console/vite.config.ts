import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// Served by the hub at /console (src/plugins/console.ts). Every page is its own chunk
// (src/router.ts imports views lazily); tests/e2e/console measures the first load.
export default defineConfig({
  base: '/console/',
  plugins: [vue()],
  build: {
    target: 'es2022',
    // No inline module-preload polyfill and no inline scripts: the CSP allows 'self' only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 700,
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
});
