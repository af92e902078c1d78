/**
 * Types for the untyped main entry of `bpmn-moddle` 10 (its package ships
 * element types under `bpmn-moddle/types` only). Kept to what sopflow uses.
 */
declare module 'bpmn-moddle' {
  import type { AnyModdleElement, Moddle, ModdleElement } from 'moddle';

  /** One import warning, as bpmn-moddle reports it (never thrown in lax mode). */
  export interface ImportWarning {
    message: string;
    element?: ModdleElement | AnyModdleElement;
    property?: string;
    value?: unknown;
    error?: Error;
  }

  /** What `fromXML` resolves to. */
  export interface ImportResult<T> {
    rootElement: T;
    elementsById: Record<string, ModdleElement>;
    references: Array<{ element: ModdleElement; property: string; id: string }>;
    warnings: ImportWarning[];
  }

  /** What `fromXML` rejects with: a plain Error carrying the warnings so far. */
  export interface ImportError extends Error {
    warnings?: ImportWarning[];
  }

  /** A moddle instance preloaded with the BPMN 2.0 meta-model. */
  export class BpmnModdle extends Moddle {
    constructor(packages?: Record<string, object>, options?: Record<string, unknown>);
    /**
     * The root element is left `any`: its type depends on `typeName` and on
     * the extensions loaded. Narrow it where it is used (the parse stage
     * returns it as `BpmnModdleTypeMap['bpmn:Definitions']`).
     */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    fromXML(xml: string, typeName?: string, options?: Record<string, unknown>): Promise<ImportResult<any>>;
    toXML(
      element: ModdleElement | AnyModdleElement,
      options?: { format?: boolean; preamble?: boolean },
    ): Promise<{ xml: string }>;
  }
}
