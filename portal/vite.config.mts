import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` proxies the API, the runtime configuration and the local sign-in to `npm start`'s
// host; the build is static files for the local host and the Static Web App.
const api = process.env.PORTAL_API ?? 'http://localhost:7071';

export default defineConfig({
  plugins: [react()],
  // The manifest lets test/portal/bundle-budget.test.ts weigh exactly what the first load fetches.
  build: { target: 'es2022', sourcemap: false, manifest: true, chunkSizeWarningLimit: 600 },
  server: { proxy: { '/api': api, '/config.json': api, '/local': api } },
});
