import type { BpmnModdle, ImportResult, ImportWarning } from 'bpmn-moddle';

/**
 * bpmn-moddle works out the line and column of each piece of content it
 * cannot read by re-scanning the text from the start, so a document made of
 * many such pieces costs time quadratic in its size (measured: about 10 ms
 * per problem near the end of an 8 MB document). Reading stops after this
 * many; the first ones are reported, which is what a person fixes first.
 */
export const MAX_UNPARSABLE_CONTENT = 100;

/** Thrown inside bpmn-moddle to stop an import that has reported enough unreadable content. */
export class UnparsableContentBudgetExceeded extends Error {
  warnings: ImportWarning[] = [];

  constructor(readonly limit: number) {
    super(`stopped after ${limit} pieces of unreadable content`);
  }
}

interface ReaderContext {
  addWarning(warning: ImportWarning): void;
}

/**
 * Wraps the root handler bpmn-moddle's reader creates so that, once the
 * reader hands it the parse context, every warning is counted; the
 * "unparsable content" warning after `limit` of them throws
 * {@link UnparsableContentBudgetExceeded}, which ends the synchronous parse.
 * If a future bpmn-moddle no longer calls the hook, the import simply runs
 * without the budget.
 */
function budgetedReaderOptions(limit: number): Record<string, unknown> {
  return {
    handler(this: object, typeName: string): unknown {
      const createHandler = (Object.getPrototypeOf(this) as { handler: (name: string) => object }).handler;
      const rootHandler = createHandler.call(this, typeName);
      let context: ReaderContext | undefined;
      let unparsable = 0;
      Object.defineProperty(rootHandler, 'context', {
        configurable: true,
        enumerable: true,
        get: () => context,
        set: (value: ReaderContext | undefined) => {
          context = value;
          if (!value || typeof value.addWarning !== 'function') return;
          const addWarning = value.addWarning;
          value.addWarning = function (this: ReaderContext, warning: ImportWarning) {
            if (String(warning?.message).startsWith('unparsable content') && ++unparsable > limit) {
              throw new UnparsableContentBudgetExceeded(limit);
            }
            addWarning.call(this, warning);
          };
        },
      });
      return rootHandler;
    },
  };
}

/**
 * `moddle.fromXML(xml, 'bpmn:Definitions')` in lax mode, stopped after
 * `limit` pieces of unreadable content (see {@link MAX_UNPARSABLE_CONTENT}).
 * Pure apart from the moddle type cache.
 *
 * @throws whatever bpmn-moddle rejects with (an Error with `warnings`), or
 *   {@link UnparsableContentBudgetExceeded} carrying the warnings so far.
 */
export function importDefinitions(
  moddle: BpmnModdle,
  xml: string,
  limit: number = MAX_UNPARSABLE_CONTENT,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<ImportResult<any>> {
  return moddle.fromXML(xml, 'bpmn:Definitions', budgetedReaderOptions(limit));
}
