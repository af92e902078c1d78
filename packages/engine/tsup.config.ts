import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'index.node': 'src/index.node.ts', node: 'src/node/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  // Inline the Camunda/Zeebe moddle descriptors: a JSON import from a dependency
  // would need import attributes, which the ES2022 output cannot carry.
  noExternal: [/-bpmn-moddle\/resources\/.+\.json$/],
});
