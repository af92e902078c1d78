import { t } from '../../i18n/language.js';

/** The texts of the task form entry and the form editor, in one place, in the page's language. */
export const TEXT = {
  get label() {
    return t('form.label');
  },
  get none() {
    return t('form.none');
  },
  fields: (n: number) => t('form.fields', { n }),
  form: (n: number) => t('form.form', { n }),
  get zeebe() {
    return t('form.zeebe');
  },
  notJson: (error: string) => t('form.not-json', { error }),
  get edit() {
    return t('form.edit');
  },
  get create() {
    return t('form.create');
  },
  get remove() {
    return t('form.remove');
  },
  editorTitle: (task: string) => t('form.editor.title', { task }),
  get editorHint() {
    return t('form.editor.hint');
  },
  get save() {
    return t('form.save');
  },
  get cancel() {
    return t('form.cancel');
  },
  get loading() {
    return t('form.loading');
  },
  failed: (error: string) => t('form.failed', { error }),
};
