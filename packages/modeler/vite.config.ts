import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

const page = (name: string) => fileURLToPath(new URL(name, import.meta.url));

// Three pages: the modeler (index.html) and the workbench's Run and Monitor
// views (served together by `sopflow start`).
// The engine, moddle and lint packages are bundled from their TypeScript
// sources (the `source` export condition), so the modeler builds without
// their dist/ and simulates with exactly the engine code of the repository.
export default defineConfig({
  base: './',
  // One preact: form-js's editor pins an older one than the properties panel it renders with (two copies break hooks).
  resolve: { conditions: ['source', ...defaultClientConditions], dedupe: ['preact'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 5000,
    rolldownOptions: {
      input: { modeler: page('index.html'), run: page('run.html'), monitor: page('monitor.html') },
    },
  },
  worker: { format: 'es' },
});
