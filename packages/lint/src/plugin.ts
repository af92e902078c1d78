/**
 * The plugin as one object, the shape bpmnlint resolves rules and configs
 * from: `rules` (id → factory) and `configs` (name → config).
 */
import { configs } from './configs.js';
import { rules } from './rules/index.js';
import type { BpmnlintPlugin } from './types.js';

/** bpmnlint-plugin-sopflow: its rules by id and its configs (`recommended`, `all`). */
export const plugin: BpmnlintPlugin = { rules, configs };
