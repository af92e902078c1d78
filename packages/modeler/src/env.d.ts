/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference types="vite/client" />

// The bpmn.io packages below ship JavaScript without type declarations.

declare module 'bpmn-js-properties-panel' {
  export const BpmnPropertiesPanelModule: any;
  export const BpmnPropertiesProviderModule: any;
  export function useService<T = any>(name: string, strict?: boolean): T;
}

declare module '@bpmn-io/properties-panel' {
  export const TextFieldEntry: any;
  export const TextAreaEntry: any;
  export function isTextAreaEntryEdited(node: unknown): boolean;
  export const SelectEntry: any;
  export const ListGroup: any;
  export const Group: any;
  export function isTextFieldEntryEdited(node: unknown): boolean;
  export function isSelectEntryEdited(node: unknown): boolean;
}

declare module 'bpmn-js-bpmnlint' {
  const lintModule: any;
  export default lintModule;
}
