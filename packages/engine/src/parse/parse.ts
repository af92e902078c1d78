import type { ImportError, ImportWarning } from 'bpmn-moddle';
import type { BpmnModdleTypeMap } from 'bpmn-moddle/types';
import { BpmnParseError, type Problem } from '../errors.js';
import { classifyWarnings, readUnparsable, type WarningContext } from './classifyWarnings.js';
import { sharedModdle } from './createModdle.js';
import { assertWithinSize, decodeInput } from './decodeInput.js';
import { extensionPackages } from './extensionDescriptors.js';
import { importDefinitions, UnparsableContentBudgetExceeded } from './importDefinitions.js';
import { resolveLimits, type ParseOptions } from './limits.js';
import { LineIndex, type LineColumn } from './LineIndex.js';
import { scanXml } from './scanXml.js';
import { blankEncodingDeclaration } from './xmlDeclaration.js';

/** The `bpmn:Definitions` root element, as bpmn-moddle builds it. */
export type BpmnDefinitionsElement = BpmnModdleTypeMap['bpmn:Definitions'];

/** A document read without errors. */
export interface ParseResult {
  /** The `bpmn:Definitions` moddle element. */
  definitions: BpmnDefinitionsElement;
  /** Every non-fatal finding (import warnings, encoding notes), none dropped. */
  warnings: Problem[];
  /**
   * The decoded text as given to bpmn-moddle: no byte order mark, and an
   * `encoding="…"` declaration blanked with spaces (it no longer applies to
   * a decoded string); lengths, lines and columns match the input.
   */
  xml: string;
  /** Line and column of the `id="…"` value of an element, if the document has that id. */
  locate(elementId: string): LineColumn | undefined;
}

const BPMN_MODEL_URI = 'http://www.omg.org/spec/BPMN/20100524/MODEL';

function summarize(problems: Problem[]): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  return `The BPMN document cannot be read: ${errors} error(s)${warnings ? `, ${warnings} warning(s)` : ''}.`;
}

/** Turns a rejection of `fromXML` into problems; the library's error itself never leaves. */
function importFailure(error: unknown, context: WarningContext): Problem[] {
  const rejection = (error ?? {}) as ImportError;
  const message = typeof rejection.message === 'string' ? rejection.message : String(error);
  const earlier = Array.isArray(rejection.warnings) ? rejection.warnings : [];
  const { scan, lines } = context;

  if (message.startsWith('failed to parse document as')) {
    const root = scan.rootOffset === undefined ? {} : lines.position(scan.rootOffset);
    const rootIsMismatch = (w: ImportWarning) => readUnparsable(String(w.message))?.nested.startsWith('unexpected element');
    return [
      {
        severity: 'error',
        code: 'bpmn.not-bpmn',
        message:
          scan.rootName === undefined
            ? 'The document has no root element, so it is not BPMN 2.0.'
            : `The document is not BPMN 2.0: it starts with <${scan.rootName}>, but a BPMN document starts with <definitions> in namespace ${BPMN_MODEL_URI}.`,
        params: scan.rootName === undefined ? { variant: 'no-root' } : { variant: 'root', root: scan.rootName, namespace: BPMN_MODEL_URI },
        ...root,
      },
      ...classifyWarnings(earlier.filter((w) => !rootIsMismatch(w)), context),
    ];
  }
  const problems = classifyWarnings(earlier, context);
  const parsed = readUnparsable(message);
  if (error instanceof UnparsableContentBudgetExceeded) {
    problems.push({
      severity: 'error',
      code: 'bpmn.too-many-problems',
      message: `Reading stopped after ${error.limit} pieces of content that cannot be read; fix these and parse again to see the rest.`,
      params: { limit: error.limit },
    });
  } else if (parsed) {
    const offset = lines.offsetOfZeroBased(parsed.line, parsed.column);
    problems.push({
      severity: 'error',
      code: 'xml.malformed',
      message: `The document is not well-formed XML: ${parsed.nested}.`,
      params: { detail: parsed.nested },
      ...(offset === undefined ? {} : lines.position(offset)),
    });
  } else {
    problems.push({ severity: 'error', code: 'bpmn.import-failed', message: `bpmn-moddle could not read the document: ${message}`, params: { detail: message } });
  }
  return problems;
}

/**
 * Reads a BPMN 2.0 document into bpmn-moddle's object model, refusing what
 * is unsafe or would be silently lost:
 *
 * 1. refuses input above `maxBytes` before any other work;
 * 2. decodes bytes strictly (byte order mark, else the declared encoding,
 *    else UTF-8; invalid bytes are refused, never replaced);
 * 3. pre-scans the text once: no DOCTYPE or entity declaration (so no entity
 *    expansion and no external entity, ever), nesting within `maxDepth`, at
 *    most `maxElements` elements, and the position of every `id`;
 * 4. imports with bpmn-moddle (`sop:`, `camunda:`, `zeebe:` extensions) and
 *    classifies every import warning: content moddle would drop and
 *    dangling process references are errors, the rest warnings;
 * 5. requires at least one `bpmn:process`.
 *
 * Pure (no I/O, no clock); asynchronous only because bpmn-moddle is.
 *
 * @throws {BpmnParseError} with every problem found (errors and warnings),
 *   each with a stable code and, when known, element id, attribute, line and
 *   column. Codes: `xml.too-large`, `xml.encoding`, `xml.doctype`,
 *   `xml.too-deep`, `xml.too-many-elements`, `xml.malformed`,
 *   `bpmn.not-bpmn`, `bpmn.duplicate-id`, `bpmn.invalid-id`,
 *   `bpmn.unknown-element`, `bpmn.unparsable-content`,
 *   `bpmn.unresolved-reference`, `bpmn.no-process`, `bpmn.too-many-problems`,
 *   `bpmn.import-failed`, `input.invalid`.
 * @throws {SopflowError} code `parse.invalid-options` for a bad limit.
 */
export async function parse(input: string | Uint8Array, options?: ParseOptions): Promise<ParseResult> {
  const limits = resolveLimits(options);
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new BpmnParseError('The document cannot be read.', [
      { severity: 'error', code: 'input.invalid', message: `Expected a string or a Uint8Array, got ${input === null ? 'null' : typeof input}.`, params: { type: input === null ? 'null' : typeof input } },
    ]);
  }
  assertWithinSize(input, limits.maxBytes);
  const decoded = decodeInput(input);
  const xml = blankEncodingDeclaration(decoded.text);
  const lines = new LineIndex(xml);
  const scan = scanXml(xml, limits, lines);
  const locate = (elementId: string): LineColumn | undefined => {
    const offset = scan.idOffsets.get(elementId);
    return offset === undefined ? undefined : lines.position(offset);
  };
  const context: WarningContext = { lines, scan, locate, untyped: extensionPackages().untyped };

  let imported;
  try {
    imported = await importDefinitions(sharedModdle(), xml);
  } catch (error) {
    const problems = [...decoded.warnings, ...importFailure(error, context)];
    throw new BpmnParseError(summarize(problems), problems);
  }

  const definitions = imported.rootElement as BpmnDefinitionsElement;
  const problems = [...decoded.warnings, ...classifyWarnings(imported.warnings, context)];
  const hasProcess = (definitions.rootElements ?? []).some((element) => element.$instanceOf('bpmn:Process'));
  if (!hasProcess) {
    const id = typeof definitions.id === 'string' ? definitions.id : undefined;
    problems.push({
      severity: 'error',
      code: 'bpmn.no-process',
      message:
        'The document defines no <bpmn:process>, so there is nothing to run (a collaboration of black-box pools only describes other parties).',
      ...(id ? { elementId: id, ...locate(id) } : scan.rootOffset === undefined ? {} : lines.position(scan.rootOffset)),
    });
  }
  if (problems.some((p) => p.severity === 'error')) throw new BpmnParseError(summarize(problems), problems);
  return { definitions, warnings: problems, xml, locate };
}
