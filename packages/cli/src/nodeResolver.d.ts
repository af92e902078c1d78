/** bpmnlint 11's Node resolver (CommonJS without declarations): rules and configs by Node module resolution. */
declare module 'bpmnlint/lib/resolver/node-resolver.js' {
  export default class NodeResolver {
    constructor(options?: { require?: NodeRequire });
    resolveRule(pkg: string, ruleName: string): any;
    resolveConfig(pkg: string, configName: string): any;
  }
}
