import allConfig from 'bpmnlint/config/all.js';
import { readFileSync } from 'node:fs';
import { parse } from '@sopflow/engine';
import { createResolver, DEFAULT_CONFIG, plugin, rules, type RuleFactory } from 'bpmnlint-plugin-sopflow';
import Linter from 'bpmnlint/lib/linter.js';
import { describe, expect, it } from 'vitest';

const EXAMPLE = new URL('../../../examples/order-handling/order-handling.bpmn', import.meta.url);

describe('createResolver', () => {
  it("should resolve every rule of bpmnlint's own `all` config", async () => {
    // given
    const resolver = createResolver();
    const names = Object.keys(allConfig.rules);

    // when
    const resolved = await Promise.all(names.map((name) => resolver.resolveRule('bpmnlint', name)));

    // then
    expect(names.length).toBeGreaterThan(20);
    expect(resolved.every((factory) => typeof factory === 'function')).toBe(true);
  });

  it("should resolve bpmnlint's configs and the plugin's configs and rules", async () => {
    // given
    const resolver = createResolver();

    // when
    const recommended = await resolver.resolveConfig('bpmnlint', 'recommended');
    const ours = await resolver.resolveConfig('bpmnlint-plugin-sopflow', 'recommended');
    const rule = await resolver.resolveRule('bpmnlint-plugin-sopflow', 'sla-valid');

    // then
    expect(recommended.rules?.['label-required']).toBe('error');
    expect(ours).toBe(plugin.configs.recommended);
    expect(rule).toBe(rules['sla-valid']);
  });

  it('should name the rule it cannot resolve', () => {
    // given
    const resolver = createResolver();

    // when
    const resolve = () => resolver.resolveRule('bpmnlint-plugin-other', 'some-rule');

    // then
    expect(resolve).toThrow(/cannot resolve rule <some-rule> of <bpmnlint-plugin-other>/);
  });

  it('should resolve other plugins given as objects, and ask the fallback for the rest', async () => {
    // given
    const other: RuleFactory = () => ({ check: () => undefined });
    const asked: string[] = [];
    const resolver = createResolver({
      plugins: { 'bpmnlint-plugin-other': { rules: { 'other-rule': other }, configs: {} } },
      fallback: {
        resolveRule: (pkg, name) => {
          asked.push(`${pkg}/${name}`);
          return other;
        },
        resolveConfig: () => ({ rules: {} }),
      },
    });

    // when
    const fromPlugin = await resolver.resolveRule('bpmnlint-plugin-other', 'other-rule');
    const fromFallback = await resolver.resolveRule('bpmnlint-plugin-third', 'third-rule');

    // then
    expect(fromPlugin).toBe(other);
    expect(fromFallback).toBe(other);
    expect(asked).toEqual(['bpmnlint-plugin-third/third-rule']);
  });

  it("should let bpmnlint's Linter lint with DEFAULT_CONFIG, as bpmn-js-bpmnlint does", async () => {
    // given
    const { definitions } = await parse(readFileSync(EXAMPLE));
    const linter = new Linter({ config: DEFAULT_CONFIG, resolver: createResolver() });

    // when
    const results = await linter.lint(definitions);

    // then: without calendars its sop:calendar is unknown
    expect(Object.keys(results).sort()).toEqual(['sopflow/sla-valid']);
  });
});
