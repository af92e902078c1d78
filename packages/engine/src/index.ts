/**
 * @sopflow/engine — run standard operating procedures drawn as BPMN 2.0.
 * Pipeline: parse → compile → machine → run → store. The core is pure and
 * browser-safe: clock, ids, store and handlers are injected.
 */

// errors
export * from './errors.js';

// parse
export { parse, createModdle, DEFAULT_PARSE_LIMITS, type ParseOptions, type ParseResult } from './parse/index.js';

// compile
export { compile, isActivity, type CompileOptions, type CompileResult } from './compile/compile.js';
export type * from './compile/definition.js';
export { ProcessRuntime } from './compile/ProcessRuntime.js';
export { attr, childElements, collectPrefixes, extensionElements, NS, plainAttr, textOf, type Namespace, type Prefixes } from './compile/extensions.js';
export { checkSla, type SlaCheckOptions } from './compile/checkSla.js';

// expressions and time
export { compileFeel, DEFAULT_FEEL_LIMITS, isFeel, toPlain, translateJuel, type CompiledFeel, type FeelLimits } from './feel/index.js';
export * from './time/index.js';

// machine
export { createInstanceMachine, type InstanceMachine, type InstanceSnapshot, type MachineEvent, type StartEvent, type StepAction } from './machine/createInstanceMachine.js';
export { TokenGame, type StepEnv, type StepLimits, type StepOutput } from './machine/TokenGame.js';
export { pureTransition } from './run/pureTransition.js';
export type * from './machine/state.js';
export type * from './machine/effects.js';
export type * from './machine/events.js';

// audit
export { canonicalJson } from './audit/canonicalJson.js';
export { chainEvents, verifyChain, GENESIS_HASH, type HashFn, type VerifyProblem, type ChainContext } from './audit/chain.js';
export { sha256Hex } from './audit/sha256.js';
export { defaultHash, setDefaultHash } from './audit/defaultHash.js';
export { CSV_COLUMNS, csvHeader, csvLine, jsonLine, UTF8_BOM, xesHead, xesTail, xesTrace } from './audit/export.js';

// reports
export { byDepartment, byNode, computeReport, cycleStats, percentile, type CycleStats, type DepartmentKpi, type InstanceSummary, type Kpi, type NodeKpi, type ProcessKpi, type Report, type ReportGrouping, type ReportQuery } from './report/report.js';

export { formatReportTable, humanDuration, reportToCsv, reportToHtml, type ReportFormatOptions, type ReportTextId, type ReportWording } from './report/formatReport.js';

// store
export { MemoryStore } from './store/MemoryStore.js';
export { emptyCommit } from './store/Store.js';
export type * from './store/Store.js';

// clock
export type { Clock } from './clock/Clock.js';
export { VirtualClock } from './clock/VirtualClock.js';
export { DEFAULT_MAX_WAIT_MS, WallClock, type WallClockOptions } from './clock/WallClock.js';

// run
export {
  BpmnError,
  createEngine,
  Engine,
  type ActivityView,
  type By,
  type DeployedProcess,
  type DeployResult,
  type EngineLimits,
  type EngineOptions,
  type InstanceView,
  type Job,
  type JobHandler,
} from './run/Engine.js';
export { checkVariables, DEFAULT_VARIABLE_LIMITS, type VariableLimits } from './run/variables.js';

// forms
export { fieldsOfFormSchema, formSchemaOfFields, isCommaList, LIST_PROPERTY, listOfText, type FormComponent, type FormSchema, type FormSchemaProblem } from './forms/formJs.js';
export { checkForm, type FieldProblem, type FieldProblemCode, type FormEvaluator } from './forms/checkForm.js';
export { AUTHORIZE_ACTIONS, checkAuthorized, type Authorize, type AuthorizeAction, type AuthorizeRequest } from './run/authorize.js';
