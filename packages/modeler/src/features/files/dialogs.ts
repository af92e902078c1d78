/**
 * The modeler's questions to the user, as native `<dialog>`s built with
 * DOM text (no HTML strings).
 */
import { h } from '../../app/dom.js';
import { t } from '../../i18n/language.js';
import { TEMPLATES, type Template } from '../../templates/index.js';

function openDialog<T>(build: (close: (value: T) => void) => HTMLElement[], cancelValue: T, id: string): Promise<T> {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'sop-dialog', attrs: { id } });
    let done = false;
    const close = (value: T) => {
      if (done) return;
      done = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      close(cancelValue);
    });
    for (const child of build(close)) dialog.appendChild(child);
    document.body.appendChild(dialog);
    dialog.showModal();
  });
}

/** What to do when a save finds the file changed on disk. */
export type ConflictChoice = 'overwrite' | 'reload' | 'cancel';

/** Asks what to do about a file that changed (or was deleted) on disk since it was opened. */
export function askConflict(path: string, deleted: boolean): Promise<ConflictChoice> {
  return openDialog<ConflictChoice>(
    (close) => [
      h('h2', {}, t(deleted ? 'modeler.conflict.deleted' : 'modeler.conflict.changed')),
      h('p', {}, t(deleted ? 'modeler.conflict.text-deleted' : 'modeler.conflict.text-changed', { path })),
      h(
        'div',
        { class: 'dialog-buttons' },
        h('button', { attrs: { id: 'conflict-overwrite', type: 'button' }, on: { click: () => close('overwrite') } }, t(deleted ? 'modeler.conflict.save-again' : 'modeler.conflict.overwrite')),
        deleted ? null : h('button', { attrs: { id: 'conflict-reload', type: 'button' }, on: { click: () => close('reload') } }, t('modeler.conflict.reload')),
        h('button', { attrs: { id: 'conflict-cancel', type: 'button' }, on: { click: () => close('cancel') } }, t('modeler.dialog.cancel')),
      ),
    ],
    'cancel',
    'conflict-dialog',
  );
}

/** Asks whether to drop unsaved changes. */
export function askDiscard(path: string): Promise<boolean> {
  return openDialog<boolean>(
    (close) => [
      h('h2', {}, t('modeler.discard.title')),
      h('p', {}, t('modeler.discard.text', { path })),
      h(
        'div',
        { class: 'dialog-buttons' },
        h('button', { attrs: { id: 'discard-yes', type: 'button' }, on: { click: () => close(true) } }, t('modeler.discard.yes')),
        h('button', { attrs: { id: 'discard-no', type: 'button' }, on: { click: () => close(false) } }, t('modeler.discard.no')),
      ),
    ],
    false,
    'discard-dialog',
  );
}

/** Asks for the name and template of a new diagram; undefined when cancelled. */
export function askNewDiagram(existing: readonly string[]): Promise<{ path: string; template: Template } | undefined> {
  return openDialog<{ path: string; template: Template } | undefined>(
    (close) => {
      const name = h('input', { attrs: { id: 'new-name', type: 'text', placeholder: t('modeler.new.placeholder'), autocomplete: 'off' } });
      const error = h('div', { class: 'dialog-error', attrs: { role: 'alert' } });
      const options = TEMPLATES.map((template, i) =>
        h(
          'label',
          { class: 'template-option' },
          h('input', { attrs: { type: 'radio', name: 'template', value: template.id, ...(i === 0 ? { checked: '' } : {}) } }),
          h('strong', {}, t(`modeler.template.${template.id}`)),
          h('span', {}, ` — ${t(`modeler.template.${template.id}.description`)}`),
        ),
      );
      const submit = (event: Event) => {
        event.preventDefault();
        let path = name.value.trim().replace(/^\/+/, '');
        if (path && !/\.bpmn$/i.test(path)) path += '.bpmn';
        const problem = !path
          ? t('modeler.new.no-name')
          : path.split('/').some((s) => s === '' || s === '.' || s === '..') || path.includes('\\')
            ? t('modeler.new.outside')
            : existing.includes(path)
              ? t('modeler.new.exists', { path })
              : '';
        if (problem) {
          error.textContent = problem;
          return;
        }
        const chosen = (form.querySelector('input[name="template"]:checked') as HTMLInputElement | null)?.value;
        close({ path, template: TEMPLATES.find((t) => t.id === chosen) ?? TEMPLATES[0] });
      };
      const form = h(
        'form',
        { on: { submit } },
        h('h2', {}, t('modeler.new.title')),
        h('label', { class: 'new-name' }, t('modeler.new.file-name'), name),
        h('fieldset', {}, h('legend', {}, t('modeler.new.start-from')), ...options),
        error,
        h(
          'div',
          { class: 'dialog-buttons' },
          h('button', { attrs: { id: 'new-create', type: 'submit' } }, t('modeler.new.create')),
          h('button', { attrs: { id: 'new-cancel', type: 'button' }, on: { click: () => close(undefined) } }, t('modeler.dialog.cancel')),
        ),
      );
      return [form];
    },
    undefined,
    'new-dialog',
  );
}
