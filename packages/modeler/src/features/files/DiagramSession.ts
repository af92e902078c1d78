import { ApiError, ConflictError, type ApiClient } from '../../api/ApiClient.js';
import { layoutMissingDi } from '../layout/layoutMissingDi.js';
import { t } from '../../i18n/language.js';
import { askConflict, askDiscard } from './dialogs.js';

/** What the session needs of the modeler. */
export interface SessionModeler {
  importXML(xml: string): Promise<{ warnings: unknown[] }>;
  saveXML(options?: { format?: boolean }): Promise<{ xml?: string }>;
  on(event: string, callback: () => void): void;
}

/** A diagram with unsaved changes: its path, the version it was loaded as, its XML. */
export interface UnsavedDiagram {
  path: string;
  etag: string;
  xml: string;
}

/** What the session tells the page. */
export interface SessionEvents {
  opened(path: string, warnings: number): void;
  saved(path: string): void;
  dirtyChanged(dirty: boolean): void;
  status(text: string, kind?: 'info' | 'error'): void;
}

/**
 * The open diagram: its path and the version it was loaded as, whether it
 * has unsaved changes, and saving with the optimistic check (a file changed
 * on disk since it was opened gets a 409 and the user chooses: overwrite,
 * load theirs, or cancel).
 */
export class DiagramSession {
  path: string | undefined;
  private etag: string | undefined;
  private isDirty = false;

  constructor(
    private readonly api: ApiClient,
    private readonly modeler: SessionModeler,
    private readonly events: SessionEvents,
  ) {
    modeler.on('commandStack.changed', () => this.setDirty(true));
  }

  /** Whether there are unsaved changes. */
  get dirty(): boolean {
    return this.isDirty;
  }

  /** Opens a diagram; asks first when the open one has unsaved changes. Returns false when the user kept editing. */
  async open(path: string, options: { force?: boolean } = {}): Promise<boolean> {
    if (!options.force && this.isDirty && this.path && !(await askDiscard(this.path))) return false;
    const { xml, etag } = await this.api.readFile(path);
    // A document bpmn-moddle cannot read goes to the import as it is, which reports why.
    const layout = await layoutMissingDi(xml).catch(() => ({ xml, laidOut: false, unplaced: [] as string[] }));
    const { warnings } = await this.modeler.importXML(layout.xml);
    this.path = path;
    this.etag = etag;
    this.warned = undefined;
    this.setDirty(layout.laidOut);
    this.events.opened(path, warnings.length);
    if (layout.laidOut) {
      const names = `${layout.unplaced.slice(0, 5).join(', ')}${layout.unplaced.length > 5 ? ', …' : ''}`;
      const unplaced = layout.unplaced.length ? ` ${t('modeler.status.unplaced', { n: layout.unplaced.length, names })}` : '';
      this.events.status(`${t('modeler.status.laid-out', { path })}${unplaced}`);
    }
    return true;
  }

  /** The unsaved diagram (path, the version it replaces, XML), to carry across a page reload; undefined when nothing is unsaved. */
  async unsaved(): Promise<UnsavedDiagram | undefined> {
    if (!this.isDirty || !this.path || this.etag === undefined) return undefined;
    const { xml } = await this.modeler.saveXML({ format: true });
    return xml === undefined ? undefined : { path: this.path, etag: this.etag, xml };
  }

  /** Opens an unsaved diagram kept by {@link unsaved}: still unsaved, and saved later over the version it was loaded as. */
  async restore(kept: UnsavedDiagram): Promise<void> {
    const { warnings } = await this.modeler.importXML(kept.xml);
    this.path = kept.path;
    this.etag = kept.etag;
    this.setDirty(true);
    this.events.opened(kept.path, warnings.length);
  }

  /**
   * Looks at the open diagram's file on disk (when the page gets the focus
   * back): unchanged, or changed or deleted since it was opened. A changed
   * file without unsaved changes here is opened again; with them, the owner
   * is told now rather than at the next save (which still asks).
   */
  async checkDisk(): Promise<'unchanged' | 'reloaded' | 'changed' | 'deleted' | undefined> {
    const path = this.path;
    if (!path || this.etag === undefined || this.checking) return undefined;
    this.checking = true;
    try {
      let etag: string;
      try {
        etag = (await this.api.readFile(path)).etag;
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
        if (this.path !== path || this.warned === 'deleted') return undefined;
        this.warned = 'deleted';
        this.events.status(t('modeler.status.deleted-on-disk', { path }), 'error');
        return 'deleted';
      }
      if (this.path !== path || etag === this.etag) return 'unchanged';
      if (!this.isDirty) {
        await this.open(path, { force: true });
        this.events.status(t('modeler.status.reloaded-disk', { path }));
        return 'reloaded';
      }
      if (this.warned !== etag) {
        this.warned = etag;
        this.events.status(t('modeler.status.changed-on-disk', { path }), 'error');
      }
      return 'changed';
    } finally {
      this.checking = false;
    }
  }

  private checking = false;
  /** The disk version (or deletion) the owner was already told about, so a focus does not repeat it. */
  private warned: string | undefined;

  /** Creates a diagram on disk (refused if it exists) and opens it. */
  async create(path: string, xml: string): Promise<void> {
    await this.api.saveFile(path, xml, 'new');
    await this.open(path, { force: true });
  }

  /** Saves over the version that was loaded. Returns true when saved. */
  async save(): Promise<boolean> {
    const path = this.path;
    if (!path || this.etag === undefined) return false;
    const { xml } = await this.modeler.saveXML({ format: true });
    if (xml === undefined) return false;
    try {
      this.etag = (await this.api.saveFile(path, xml, { etag: this.etag })).etag;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const choice = await askConflict(path, error.code === 'deleted');
      if (choice === 'cancel') {
        this.events.status(t('modeler.status.not-saved-changed', { path }), 'error');
        return false;
      }
      if (choice === 'reload') {
        await this.open(path, { force: true });
        this.events.status(t('modeler.status.loaded-disk', { path }));
        return false;
      }
      this.etag = (await this.api.saveFile(path, xml, error.etag ? { etag: error.etag } : 'new')).etag;
    }
    this.setDirty(false);
    this.events.saved(path);
    return true;
  }

  private setDirty(dirty: boolean): void {
    if (dirty === this.isDirty) return;
    this.isDirty = dirty;
    this.events.dirtyChanged(dirty);
  }
}
