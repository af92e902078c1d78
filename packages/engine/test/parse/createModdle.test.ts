import { describe, expect, it } from 'vitest';
import { createModdle } from '../../src/parse/index.js';
import { reconcileExtensions } from '../../src/parse/extensionDescriptors.js';
import { parse } from '../../src/parse/index.js';
import { fixture } from './helpers.js';

describe('createModdle', () => {
  it('should know the sop:, camunda: and zeebe: packages', () => {
    // when
    const moddle = createModdle();
    // then
    const prefixes = moddle.getPackages().map((p) => p.prefix);
    expect(prefixes).toEqual(expect.arrayContaining(['bpmn', 'bpmndi', 'sop', 'camunda', 'zeebe']));
  });

  it('should build every element type of every package without a property collision', () => {
    // given
    const moddle = createModdle();
    const names = moddle
      .getPackages()
      .flatMap((p) => (p.types ?? []).filter((t) => !t.extends?.length).map((t) => (t.name.includes(':') ? t.name : `${p.prefix}:${t.name}`)));
    // when
    const failures = names.flatMap((name) => {
      try {
        moddle.getType(name);
        return [];
      } catch (error) {
        return [`${name}: ${(error as Error).message}`];
      }
    });
    // then
    expect(names.length).toBeGreaterThan(200);
    expect(failures).toEqual([]);
  });

  it('should keep Camunda typed and the colliding sop: and zeebe: attributes untyped, and say which', () => {
    // when
    const { untyped } = reconcileExtensions();
    // then
    expect(untyped.map((u) => `${u.attribute} (${u.declaredBy}) → ${u.ownedBy}`).sort()).toEqual([
      'sop:assignee (sop:Assignable) → camunda:assignee',
      'sop:candidateGroups (sop:Assignable) → camunda:candidateGroups',
      'sop:candidateUsers (sop:Assignable) → camunda:candidateUsers',
      'sop:collection (sop:MultiInstanceSettings) → camunda:collection',
      'sop:elementVariable (sop:MultiInstanceSettings) → camunda:elementVariable',
      'sop:expression (sop:ExpressionTask) → camunda:expression',
      'sop:formKey (sop:Assignable) → camunda:formKey',
      'sop:resultVariable (sop:ExpressionTask) → camunda:resultVariable',
      'sop:type (sop:JobWorker) → camunda:type',
      'sop:versionTag (sop:ProcessSettings) → camunda:versionTag',
      'zeebe:modelerTemplate (zeebe:TemplateSupported) → camunda:modelerTemplate',
      'zeebe:modelerTemplateVersion (zeebe:TemplateSupported) → camunda:modelerTemplateVersion',
    ]);
  });

  it('should read every extension attribute through get(), typed or not, with no warning', async () => {
    // when
    const { definitions, warnings } = await parse(fixture('attributes.extensions.bpmn'));
    // then
    expect(warnings).toEqual([]);
    const process = definitions.rootElements?.[0] as any;
    const [review, notify, score] = process.flowElements;
    expect([process.get('camunda:versionTag'), process.get('sop:versionTag')]).toEqual(['v7', 'v-sop']);
    expect([process.get('camunda:modelerTemplate'), process.get('zeebe:modelerTemplate')]).toEqual(['c-template', 'z-template']);
    expect([review.get('sop:assignee'), review.get('camunda:assignee'), review.get('sop:sla')]).toEqual(['alice', 'bob', 'PT1H']);
    expect(review.extensionElements.values[0]).toMatchObject({ $type: 'zeebe:AssignmentDefinition', assignee: 'carol' });
    expect([notify.get('sop:type'), notify.get('camunda:type'), notify.get('camunda:topic'), notify.get('sop:retries')]).toEqual([
      'notify',
      'external',
      'notify',
      5,
    ]);
    expect(notify.extensionElements.values[0]).toMatchObject({ $type: 'zeebe:TaskDefinition', type: 'notify-zeebe' });
    expect([score.get('sop:type'), score.get('sop:expression'), score.get('sop:resultVariable')]).toEqual(['score', '=1 + 1', 'score']);
  });

  it('should still warn about an untyped sop: attribute on an element that does not declare it', async () => {
    // given: sop:assignee belongs on user tasks, not on a process
    const input = new TextDecoder()
      .decode(fixture('attributes.extensions.bpmn'))
      .replace('sop:versionTag="v-sop"', 'sop:versionTag="v-sop" sop:assignee="nobody"');
    // when
    const { warnings } = await parse(input);
    // then
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'bpmn.unknown-attribute', elementId: 'Mixed', attribute: 'sop:assignee', line: 7 }),
    ]);
  });

  it('should file an untyped attribute under the package prefix, whatever prefix the document uses', async () => {
    // given
    const input = `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:s="https://sopflow.dev/schema/bpmn/sop/1.0" id="D">
  <bpmn:process id="P"><bpmn:userTask id="U" s:assignee="alice" s:sla="PT1H"/></bpmn:process>
</bpmn:definitions>`;
    // when
    const { definitions, warnings } = await parse(input);
    // then
    const task = (definitions.rootElements?.[0] as any).flowElements[0];
    expect(warnings).toEqual([]);
    expect(task.$attrs).toEqual({ 'sop:assignee': 'alice' });
    expect([task.get('sop:assignee'), task.get('sop:sla')]).toEqual(['alice', 'PT1H']);
  });

  it('should return a new instance each time', () => {
    // then
    expect(createModdle()).not.toBe(createModdle());
  });
});
