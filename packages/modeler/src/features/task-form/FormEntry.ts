/**
 * The "Form" entry of a user task's SOP tab: what form the task declares,
 * and a button that opens the form-js editor on it (its `<sop:form>`, or
 * one generated from its `<sop:field>`s, or an empty one). Saving writes
 * `<sop:form>` into the task through the command stack (one undoable
 * step) in place of its `<sop:field>`s; lint and deploy check it as any
 * other form.
 */
import { h } from '@bpmn-io/properties-panel/preact';
import { useState } from '@bpmn-io/properties-panel/preact/hooks';
import { useService } from 'bpmn-js-properties-panel';
import type { FormSchema } from '@sopflow/engine';
import type { DiagramElement, ModdleElement } from '../sop-properties/model.js';
import { extensionValues, FORM_TYPE, formSummary, formText, schemaToEdit, taskForm, valuesWithForm } from './model.js';
import { TEXT } from './text.js';

interface BpmnFactory {
  create(type: string, attrs?: Record<string, unknown>): ModdleElement;
}

interface CommandStack {
  execute(command: string, context: unknown): void;
}

/** Writes the form (or removes it, `schema` undefined) as one command. */
function writeForm(element: DiagramElement, target: ModdleElement, schema: FormSchema | undefined, bpmnFactory: BpmnFactory, commandStack: CommandStack): void {
  const commands: Array<{ cmd: string; context: unknown }> = [];
  let extensionElements: ModdleElement | undefined = target.extensionElements;
  if (!extensionElements) {
    if (!schema) return;
    extensionElements = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
    extensionElements.$parent = target;
    commands.push({ cmd: 'element.updateModdleProperties', context: { element, moddleElement: target, properties: { extensionElements } } });
  }
  let form: ModdleElement | undefined;
  if (schema) {
    form = bpmnFactory.create(FORM_TYPE, { body: formText(schema) });
    form.$parent = extensionElements;
  }
  commands.push({ cmd: 'element.updateModdleProperties', context: { element, moddleElement: extensionElements, properties: { values: valuesWithForm(extensionValues(target), form) } } });
  commandStack.execute('properties-panel.multi-command-executor', commands);
}

/** The entry (a properties-panel component). */
export function FormEntry(props: { id: string; element: DiagramElement; target: ModdleElement }) {
  const { id, element, target } = props;
  const bpmnFactory = useService<BpmnFactory>('bpmnFactory');
  const commandStack = useService<CommandStack>('commandStack');
  const [message, setMessage] = useState<string | undefined>(undefined);
  const form = taskForm(target);
  const summary = formSummary(form);
  const schema = schemaToEdit(form, target.id ?? element.id);
  const describe = summary.error
    ? TEXT.notJson(summary.error)
    : summary.source === 'none'
      ? TEXT.none
      : summary.source === 'zeebe'
        ? TEXT.zeebe
        : summary.source === 'sop:field'
          ? TEXT.fields(summary.fields)
          : TEXT.form(summary.fields);
  const edit = async () => {
    if (!schema) return;
    setMessage(TEXT.loading);
    try {
      const { editFormSchema } = await import('./FormEditorDialog.js');
      setMessage(undefined);
      const saved = await editFormSchema(schema, String(target.name ?? target.id ?? element.id));
      if (saved) writeForm(element, target, saved, bpmnFactory, commandStack);
    } catch (error) {
      setMessage(TEXT.failed((error as Error).message));
    }
  };
  const remove = () => writeForm(element, target, undefined, bpmnFactory, commandStack);
  return h('div', { class: 'bio-properties-panel-entry sop-form-entry', 'data-entry-id': id }, [
    h('div', { class: 'bio-properties-panel-label' }, TEXT.label),
    h('div', { class: 'bio-properties-panel-description', 'data-form-source': summary.source }, describe),
    h('div', { class: 'sop-form-buttons' }, [
      h('button', { type: 'button', class: 'sop-form-edit', id: 'sop-form-edit', disabled: !schema, onClick: () => void edit() }, summary.source === 'none' ? TEXT.create : TEXT.edit),
      summary.source === 'sop:form' ? h('button', { type: 'button', class: 'sop-form-remove', id: 'sop-form-remove', onClick: remove }, TEXT.remove) : null,
    ]),
    message ? h('div', { class: 'bio-properties-panel-description' }, message) : null,
  ]);
}
