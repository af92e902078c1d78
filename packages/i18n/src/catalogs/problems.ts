/**
 * 简体中文 of coded messages: findings and errors whose English text the
 * producing code writes (engine parse and compile problems, lint rules,
 * soundness findings, bpmnlint's built-in rules by rule name). Placeholders
 * are the `params` the producer attaches; see docs/i18n.md.
 */
import type { Catalog } from './define.js';

export const problems: Catalog = {
};
