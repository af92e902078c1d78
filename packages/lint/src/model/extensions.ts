/**
 * The engine's readers of extension attributes and elements (`sop:`,
 * Camunda 7, Zeebe), reused so that lint reads a diagram exactly as
 * `compile` does.
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
} from '@sopflow/engine';
