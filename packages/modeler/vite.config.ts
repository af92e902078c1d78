import { defaultClientConditions, defineConfig } from 'vite';

// The engine, moddle and lint packages are bundled from their TypeScript
// sources (the `source` export condition), so the modeler builds without
// their dist/ and simulates with exactly the engine code of the repository.
export default defineConfig({
  base: './',
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 5000,
  },
  worker: { format: 'es' },
});
