/**
 * The lint configuration `sopflow validate` runs with: `--config`, else the
 * `.bpmnlintrc` of the working folder, else the default — bpmnlint's own
 * format, so existing configs work, third-party plugins included (installed
 * next to the config, found with Node's module resolution). Checked before
 * any diagram is read: an unknown rule or config is a usage error naming
 * the file, not a crash halfway through.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import NodeResolver from 'bpmnlint/lib/resolver/node-resolver.js';
import { checkLintConfig, createResolver, DEFAULT_CONFIG, type LintConfig, type Resolver } from 'bpmnlint-plugin-sopflow';
import { CliError } from '../io.js';

export interface LoadedLintConfig {
  config: LintConfig;
  /** sopflow's and bpmnlint's rules, then packages installed where the config is. */
  resolver: Resolver;
  /** The file it came from (relative to the working folder), or `default`. */
  source: string;
}

/** Reads, resolves and checks the configuration. Throws CliError (exit 2) naming the file and what is wrong. */
export async function loadLintConfig(path: string | undefined, cwd: string): Promise<LoadedLintConfig> {
  const file = path ? resolve(cwd, path) : resolve(cwd, '.bpmnlintrc');
  const shown = relative(cwd, file) || file;
  const resolver = createResolver({ fallback: new NodeResolver({ require: createRequire(join(dirname(file), '__placeholder__.js')) }) });
  if (!existsSync(file)) {
    if (path) throw new CliError(`--config ${path}: no such file.`);
    return { config: DEFAULT_CONFIG, resolver, source: 'default' };
  }
  let config: LintConfig;
  try {
    config = JSON.parse(await readFile(file, 'utf8')) as LintConfig;
  } catch (error) {
    throw new CliError(`${shown}: not valid JSON: ${(error as Error).message}`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new CliError(`${shown}: expected an object with "extends" and/or "rules".`);
  try {
    await checkLintConfig(config, { resolver });
  } catch (error) {
    throw new CliError(`${shown}: ${(error as Error).message}`);
  }
  return { config, resolver, source: shown };
}
