/**
 * Starting a workbench view: the client from the page URL's token (or why
 * the page cannot work without it), the shell, and the view.
 */
import { h, replaceChildren } from '../app/dom.js';
import { t } from '../i18n/language.js';
import { markDocumentLanguage } from '../i18n/languageSwitch.js';
import { Shell, type View } from './shell.js';
import { WorkbenchClient } from './WorkbenchClient.js';

/** Builds the shell and starts the view made by `create`. */
export async function startView(root: HTMLElement, view: View, create: (shell: Shell, client: WorkbenchClient) => { start(): Promise<void> }): Promise<void> {
  markDocumentLanguage();
  let client: WorkbenchClient;
  try {
    client = WorkbenchClient.fromLocation();
  } catch (error) {
    replaceChildren(root, h('div', { class: 'fatal' }, h('h1', {}, t('workbench.fatal')), h('p', {}, (error as Error).message)));
    return;
  }
  document.title = t('workbench.title', { view: t(`workbench.view.${view}`) });
  const shell = new Shell(root, client, view);
  await create(shell, client).start();
}
