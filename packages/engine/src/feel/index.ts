/**
 * FEEL expressions, compiled once per deployment and evaluated on every
 * step: gateway conditions, SLAs, mappings. See docs/expressions.md.
 */
export { compileFeel, type CompiledFeel } from './compileFeel.js';
export type { ExpressionLocation } from './expressionErrors.js';
export { DEFAULT_FEEL_LIMITS, type FeelLimits } from './limits.js';
export { isFeel } from './feelSource.js';
export { toPlain } from './toPlain.js';
export { translateJuel } from './translateJuel.js';
export { clockFunctions, usesClock } from './clockFunctions.js';
