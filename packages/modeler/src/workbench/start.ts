/**
 * Starting a workbench view: the client from the page URL's token (or why
 * the page cannot work without it), the shell, and the view.
 */
import { h, replaceChildren } from '../app/dom.js';
import { Shell, type View } from './shell.js';
import { WorkbenchClient } from './WorkbenchClient.js';

/** Builds the shell and starts the view made by `create`. */
export async function startView(root: HTMLElement, view: View, title: string, create: (shell: Shell, client: WorkbenchClient) => { start(): Promise<void> }): Promise<void> {
  let client: WorkbenchClient;
  try {
    client = WorkbenchClient.fromLocation();
  } catch (error) {
    replaceChildren(root, h('div', { class: 'fatal' }, h('h1', {}, 'sopflow workbench'), h('p', {}, (error as Error).message)));
    return;
  }
  document.title = `${title} — sopflow workbench`;
  const shell = new Shell(root, client, view);
  await create(shell, client).start();
}
