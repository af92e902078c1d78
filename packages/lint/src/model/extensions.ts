/**
 * The engine's readers of extension attributes and elements (`sop:`,
 * Camunda 7, Zeebe), reused so that lint reads a diagram exactly as
 * `compile` does.
 *
 * `@sopflow/engine` does not export them from its entry point yet, so this
 * one module imports them from the engine's source; once the engine exports
 * them, this becomes `export { … } from '@sopflow/engine'` and nothing else
 * changes.
 */
export {
  attr,
  childElements,
  collectPrefixes,
  extensionElements,
  plainAttr,
  textOf,
  type Namespace,
  type Prefixes,
} from '../../../engine/src/compile/extensions.js';
