/** bpmn-auto-layout 1.x ships no types: its one entry point. */
declare module 'bpmn-auto-layout' {
  /** Lays out the first process of a BPMN document; resolves to the XML with a new diagram. */
  export function layoutProcess(xml: string): Promise<string>;
}
