import { describe, expect, it } from 'vitest';
import { compile, parse, type FieldDef } from '@sopflow/engine';
import { sopDescriptor } from '@sopflow/moddle';
import { BpmnModdle } from 'bpmn-moddle';
import type { ModdleElement } from '../src/features/sop-properties/model.js';
import { extensionValues, FORM_TYPE, formSummary, formText, schemaToEdit, taskForm, valuesWithForm } from '../src/features/task-form/model.js';

const diagram = (extensions: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="D" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s" />
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" />
    <bpmn:userTask id="t" name="Countersign" sop:candidateGroups="heads" sop:sla="P2D">
      <bpmn:extensionElements>${extensions}</bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" />
    <bpmn:endEvent id="e" />
  </bpmn:process>
</bpmn:definitions>`;

const FIELDS = `
        <sop:escalation at="100%" action="remind" />
        <sop:field name="approved" label="Approve" type="boolean" required="true" />
        <sop:field name="reason" label="Reason" type="text" requiredWhen="=approved = false" minLength="10" />`;

async function load(xml: string) {
  // As bpmn-js loads it: bpmn-moddle with the sop descriptor only.
  const moddle = new BpmnModdle({ sop: structuredClone(sopDescriptor) });
  const { rootElement } = await moddle.fromXML(xml);
  const task = (rootElement as ModdleElement).rootElements[0].flowElements.find((e: ModdleElement) => e.id === 't') as ModdleElement;
  return { moddle, definitions: rootElement, task };
}

describe('a task form in the SOP tab', () => {
  it('should read the fields a task declares and open the editor on their form-js schema', async () => {
    // given
    const { task } = await load(diagram(FIELDS));

    // when
    const form = taskForm(task);
    const schema = schemaToEdit(form, 't');

    // then
    expect(form).toEqual({
      kind: 'sop:field',
      fields: [
        { name: 'approved', label: 'Approve', type: 'boolean', required: true },
        { name: 'reason', label: 'Reason', type: 'text', requiredWhen: { feel: 'approved = false' }, minLength: 10 },
      ] satisfies FieldDef[],
    });
    expect(formSummary(form)).toEqual({ fields: 2, source: 'sop:field' });
    expect(schema).toMatchObject({ id: 'Form_t', components: [{ key: 'approved', type: 'radio' }, { key: 'reason', type: 'textarea', conditional: { hide: '=not(approved = false)' } }] });
    expect(schema).not.toHaveProperty('generatedFrom');
  });

  it('should write the saved form in place of the fields, keeping the other extensions, and the engine should deploy it', async () => {
    // given
    const { moddle, definitions, task } = await load(diagram(FIELDS));
    const schema = schemaToEdit(taskForm(task), 't')!;

    // when: saved as the properties entry saves it
    const form = moddle.create(FORM_TYPE, { body: formText(schema) }) as ModdleElement;
    task.extensionElements.set('values', valuesWithForm(extensionValues(task), form));
    const { xml } = await moddle.toXML(definitions, { format: true });

    // then
    expect(extensionValues(task).map((v) => v.$type)).toEqual(['sop:Escalation', 'sop:Form']);
    expect(xml).not.toContain('<sop:field');
    const parsed = await parse(xml);
    const [process] = compile(parsed.definitions).processes;
    expect(process.nodes.t.form?.source).toBe('sop:form');
    expect(process.nodes.t.fields?.map((f) => [f.name, f.type, f.required ?? false])).toEqual([
      ['approved', 'boolean', true],
      ['reason', 'text', true],
    ]);
    expect(taskForm(task)).toMatchObject({ kind: 'sop:form', schema });
  });

  it('should say when a task has no form, one that is not JSON or a Camunda 8 one, and open an empty form or none', async () => {
    // given
    const none = (await load(diagram(''))).task;
    const broken = (await load(diagram('<sop:form>{ "components": [</sop:form>'))).task;

    // when
    const emptyForm = taskForm(none);
    const brokenForm = taskForm(broken);

    // then
    expect(emptyForm).toEqual({ kind: 'none' });
    expect(schemaToEdit(emptyForm, 't')).toEqual({ type: 'default', id: 'Form_t', schemaVersion: 16, components: [] });
    expect(brokenForm).toMatchObject({ kind: 'sop:form', error: expect.any(String) });
    expect(formSummary(brokenForm)).toMatchObject({ source: 'sop:form', error: expect.any(String) });
    expect(schemaToEdit(brokenForm, 't')).toBeUndefined();
    expect(valuesWithForm(extensionValues(broken), undefined)).toEqual([]);
    const camunda = (await load(diagram('<zeebe:formDefinition xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" formKey="camunda-forms:bpmn:F1" />'))).task;
    expect(taskForm(camunda)).toEqual({ kind: 'zeebe' });
    expect(schemaToEdit(taskForm(camunda), 't')).toBeUndefined();
  });
});
