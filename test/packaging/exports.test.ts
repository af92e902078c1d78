/**
 * The package shape consumers see: every library package's `exports` map,
 * resolved the way TypeScript (`moduleResolution: node16`) and Node resolve
 * it, for `import` and for `require`. A CommonJS consumer must get the
 * CommonJS build and its `.d.cts` types — ESM typings for a `require` are
 * "masquerading as ESM" (arethetypeswrong) and mistype default imports.
 * Resolves against `dist/`, which `npm install` builds (`prepare`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

interface Entry {
  /** What a consumer writes: `@sopflow/engine`, `@sopflow/engine/node`. */
  specifier: string;
  pkg: string;
  /** Whether the map has a `require` condition for it. */
  require: boolean;
}

/** Every code entry of every workspace package with an exports map (not package.json, JSON resources or wildcard file maps). */
function entries(): Entry[] {
  const out: Entry[] = [];
  for (const dir of readdirSync(join(ROOT, 'packages'))) {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8'));
    for (const [subpath, target] of Object.entries<unknown>(manifest.exports ?? {})) {
      if (typeof target !== 'object' || subpath.includes('*') || subpath.endsWith('.json')) continue;
      out.push({ specifier: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`, pkg: dir, require: JSON.stringify(target).includes('"require"') });
    }
  }
  return out;
}

const all = entries();

function typesFor(specifier: string, mode: 'import' | 'require'): string | undefined {
  const options: ts.CompilerOptions = { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 };
  const from = join(ROOT, 'test', 'packaging', mode === 'import' ? 'consumer.mts' : 'consumer.cts');
  const resolved = ts.resolveModuleName(specifier, from, options, ts.sys, undefined, undefined, mode === 'import' ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS);
  return resolved.resolvedModule?.resolvedFileName;
}

/**
 * Where Node sends each specifier for an import and for a require, asked of
 * a fresh Node (this test process may run with the `source` condition; a
 * consumer does not).
 */
function nodeTargets(specifiers: string[]): { import: Record<string, string>; require: Record<string, string> } {
  const script = `import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/consumer.cjs');
const out = { import: {}, require: {} };
for (const s of ${JSON.stringify(specifiers)}) {
  out.import[s] = new URL(import.meta.resolve(s)).pathname;
  try { out.require[s] = require.resolve(s); } catch (error) { out.require[s] = String(error.code); }
}
console.log(JSON.stringify(out));`;
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', env }));
}

const targets = nodeTargets(all.map((e) => e.specifier));

describe('package exports', () => {
  it('should list the library packages (the check runs on something)', () => {
    expect(all.map((e) => e.specifier).sort()).toEqual(
      expect.arrayContaining(['@sopflow/cli', '@sopflow/engine', '@sopflow/engine/node', '@sopflow/i18n', '@sopflow/moddle', '@sopflow/store-postgres', '@sopflow/store-sqlite', 'bpmnlint-plugin-sopflow']),
    );
  });

  it('should have been built (dist/ is what the maps point at)', () => {
    const missing = [...new Set(all.map((e) => e.pkg))].filter((pkg) => !existsSync(join(ROOT, 'packages', pkg, 'dist')));
    expect(missing, 'run npm run build (npm install does it through prepare)').toEqual([]);
  });

  it.each(all.map((e) => [e.specifier, e] as const))('should give %s ESM types to an import', (_s, { specifier, pkg }) => {
    const types = typesFor(specifier, 'import');
    expect(types && relative(join(ROOT, 'packages', pkg), types), 'a .js here: no types for this condition, or dist/ not (fully) built').toMatch(/^dist\/[\w.]+\.d\.ts$/);
  });

  it.each(all.filter((e) => e.require).map((e) => [e.specifier, e] as const))('should give %s CommonJS types (.d.cts) and code (.cjs) to a require', (_s, { specifier, pkg }) => {
    const types = typesFor(specifier, 'require');
    expect(types && relative(join(ROOT, 'packages', pkg), types), 'a .d.ts here: ESM types for a require; a .cjs: none, or dist/ not (fully) built').toMatch(/^dist\/[\w.]+\.d\.cts$/);
    const code = targets.require[specifier];
    expect(relative(join(ROOT, 'packages', pkg), code)).toMatch(/^dist\/[\w.]+\.cjs$/);
    // the types describe that very file: index.node.cjs ↔ index.node.d.cts
    expect(types!.replace(/\.d\.cts$/, '')).toBe(code.replace(/\.cjs$/, ''));
  });

  it('should give ESM code whose types sit beside it to an import', () => {
    for (const { specifier, pkg } of all) {
      expect(relative(join(ROOT, 'packages', pkg), targets.import[specifier]), specifier).toMatch(/^dist\/[\w.]+\.js$/);
      expect(typesFor(specifier, 'import')!.replace(/\.d\.ts$/, ''), specifier).toBe(targets.import[specifier].replace(/\.js$/, ''));
    }
  });
});
