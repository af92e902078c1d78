import { h, replaceChildren } from '../../app/dom.js';
import type { DiagramEntry } from '../../api/ApiClient.js';
import { t } from '../../i18n/language.js';

/** The list of diagrams in the served folder, sub-folders included; the open one is marked. */
export class FileList {
  private files: DiagramEntry[] = [];
  private current: string | undefined;
  private readonly list = h('ul', { class: 'file-list', attrs: { id: 'file-list' } });
  private readonly title = h('div', { class: 'file-folder' });

  constructor(
    readonly root: HTMLElement,
    private readonly actions: { open(path: string): void; create(): void; refresh(): void },
  ) {
    replaceChildren(
      root,
      this.title,
      h(
        'div',
        { class: 'file-actions' },
        h('button', { attrs: { id: 'new-diagram', type: 'button' }, on: { click: () => actions.create() } }, t('modeler.files.new')),
        h('button', { attrs: { id: 'refresh-files', type: 'button' }, title: t('modeler.files.refresh.title'), on: { click: () => actions.refresh() } }, t('modeler.files.refresh')),
      ),
      this.list,
    );
  }

  /** Shows the folder's diagrams. */
  show(folder: string, files: DiagramEntry[]): void {
    this.files = files;
    this.title.textContent = folder;
    this.render();
  }

  /** Marks the open diagram. */
  setCurrent(path: string | undefined): void {
    this.current = path;
    this.render();
  }

  private render(): void {
    replaceChildren(
      this.list,
      ...(this.files.length
        ? this.files.map((file) => {
            const slash = file.path.lastIndexOf('/');
            return h(
              'li',
              { class: file.path === this.current ? 'file current' : 'file', attrs: { 'data-path': file.path } },
              h(
                'button',
                { attrs: { type: 'button' }, title: file.path, on: { click: () => this.actions.open(file.path) } },
                slash >= 0 ? h('span', { class: 'file-dir' }, file.path.slice(0, slash + 1)) : null,
                file.path.slice(slash + 1),
              ),
            );
          })
        : [h('li', { class: 'file none' }, t('modeler.files.none'))]),
    );
  }
}
