/**
 * Types for the bpmnlint 11 modules this package imports (it ships
 * CommonJS without declarations). Ambient and deliberately loose: the
 * precise shapes are in `types.ts`, where these values are used.
 */

declare module 'bpmnlint/lib/linter.js' {
  export default class Linter {
    constructor(options: { config?: unknown; resolver: unknown });
    lint(root: any, config?: unknown): Promise<Record<string, Array<Record<string, any>>>>;
    resolveConfiguredRules(config: unknown): Promise<Record<string, any>>;
    parseRuleValue(value: unknown): { category: string; config: any };
    resolveRule(name: string, config: unknown): Promise<unknown>;
  }
}

declare module 'bpmnlint/rules/*' {
  const factory: (config?: any) => any;
  export default factory;
}

declare module 'bpmnlint/config/*' {
  const config: { rules: Record<string, any> };
  export default config;
}
