import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The api serves the built dashboard from dist/ under /; in development `vite` proxies the API.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    sourcemap: true,
    // the analytics page's chunk carries Recharts (~140 kB gzip) and loads only on that page
    chunkSizeWarningLimit: 600,
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:8080', '/__sandbox': 'http://127.0.0.1:8090' } },
});
