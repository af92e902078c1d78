/**
 * The form editor in a dialog: bpmn.io's form-js editor (the Camunda Forms
 * editor) on a task's form-js schema; Save gives the edited schema,
 * Cancel (or Escape) nothing. Loaded on first use (`import()`), so the
 * modeler's bundle does not carry the editor.
 */
import { FormEditor } from '@bpmn-io/form-js-editor';
import '@bpmn-io/form-js-viewer/dist/assets/form-js.css';
import '@bpmn-io/form-js-editor/dist/assets/form-js-editor.css';
import './formEditor.css';
import type { FormSchema } from '@sopflow/engine';
import { h } from '../../app/dom.js';
import { TEXT } from './text.js';

/**
 * Opens the editor on `schema`; resolves with the saved schema, or
 * undefined when cancelled.
 */
export async function editFormSchema(schema: FormSchema, taskName: string): Promise<FormSchema | undefined> {
  const canvas = h('div', { class: 'sop-form-editor-canvas', attrs: { id: 'form-editor-canvas' } });
  const save = h('button', { class: 'primary', attrs: { id: 'form-editor-save', type: 'button' } }, TEXT.save);
  const cancel = h('button', { attrs: { id: 'form-editor-cancel', type: 'button' } }, TEXT.cancel);
  const dialog = h(
    'dialog',
    { class: 'sop-dialog sop-form-editor', attrs: { id: 'form-editor' } },
    h('h2', {}, TEXT.editorTitle(taskName)),
    h('p', { class: 'hint' }, TEXT.editorHint),
    canvas,
    h('div', { class: 'buttons' }, save, cancel),
  );
  document.body.appendChild(dialog);
  dialog.showModal();
  const editor = new FormEditor({ container: canvas });
  await editor.importSchema(structuredClone(schema));
  return new Promise((resolve) => {
    const close = (result: FormSchema | undefined) => {
      editor.destroy();
      dialog.close();
      dialog.remove();
      resolve(result);
    };
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      close(undefined);
    });
    cancel.addEventListener('click', () => close(undefined));
    save.addEventListener('click', () => close(editor.saveSchema() as FormSchema));
  });
}
