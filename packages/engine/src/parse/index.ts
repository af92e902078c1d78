/**
 * The parse stage: BPMN 2.0 XML (string or bytes) → bpmn-moddle object model,
 * safely, with every import problem reported by element id, line and column.
 */
export { parse, type ParseResult, type BpmnDefinitionsElement } from './parse.js';
export { DEFAULT_PARSE_LIMITS, type ParseOptions } from './limits.js';
export { createModdle } from './createModdle.js';
export type { LineColumn } from './LineIndex.js';
