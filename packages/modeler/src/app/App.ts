/**
 * The modeler page: the file list, the bpmn-js canvas with the SOP
 * features, and the side panel (properties, problems, simulation). It
 * wires the features together; each feature lives in its own folder.
 */
import BpmnModeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';
import { createSopDescriptor } from '@sopflow/moddle';
import type { LintConfig } from 'bpmnlint-plugin-sopflow';
import { ApiClient } from '../api/ApiClient.js';
import type Calendars from '../features/calendars/Calendars.js';
import { exportPng, exportSvg } from '../features/export/exportImage.js';
import { DiagramSession, type UnsavedDiagram } from '../features/files/DiagramSession.js';
import { askNewDiagram } from '../features/files/dialogs.js';
import { FileList } from '../features/files/FileList.js';
import lintModule from '../features/lint/index.js';
import type SopLinting from '../features/lint/SopLinting.js';
import { ProblemsPanel } from '../features/problems/ProblemsPanel.js';
import simulationModule, { SimulationPanel } from '../features/simulation/index.js';
import soundnessModule from '../features/soundness/index.js';
import sopPropertiesModule from '../features/sop-properties/index.js';
import { t } from '../i18n/language.js';
import { languageSwitch, markDocumentLanguage } from '../i18n/languageSwitch.js';
import translateModule from '../i18n/translateModule.js';
import { newDiagramXml } from '../templates/index.js';
import { viewLinks } from '../workbench/shell.js';
import { WorkbenchClient } from '../workbench/WorkbenchClient.js';
import { h, replaceChildren } from './dom.js';
import { fitDiagram } from './fitDiagram.js';

type Tab = 'properties' | 'problems' | 'simulation';

interface CommandStackLike {
  undo(): void;
  redo(): void;
  canUndo(): boolean;
  canRedo(): boolean;
}

/** Starts the modeler in `root`. Shows why when the page was opened without its token. */
export async function startApp(root: HTMLElement): Promise<void> {
  markDocumentLanguage();
  let api: ApiClient;
  try {
    api = ApiClient.fromLocation();
  } catch (error) {
    replaceChildren(root, h('div', { class: 'fatal' }, h('h1', {}, t('modeler.title')), h('p', {}, (error as Error).message)));
    return;
  }

  // Under `sopflow start` (the page URL has `workbench`): links to the Run and Monitor views, and Deploy.
  const workbench = new URLSearchParams(window.location.search).has('workbench') ? WorkbenchClient.fromLocation() : undefined;

  const status = h('div', { class: 'status', attrs: { id: 'status', role: 'status' } });
  const say = (text: string, kind: 'info' | 'error' = 'info') => {
    status.textContent = text;
    status.className = `status ${kind}`;
  };
  const fileName = h('span', { class: 'file-name', attrs: { id: 'file-name' } }, t('modeler.no-diagram'));
  const canvas = h('div', { class: 'canvas', attrs: { id: 'canvas' } });
  const empty = h('div', { class: 'empty-state' }, h('p', {}, t('modeler.empty')));
  const filesPane = h('nav', { class: 'files', attrs: { 'aria-label': t('modeler.diagrams') } });
  const panels: Record<Tab, HTMLElement> = {
    properties: h('div', { class: 'panel', attrs: { id: 'panel-properties' } }),
    problems: h('div', { class: 'panel', attrs: { id: 'panel-problems' } }),
    simulation: h('div', { class: 'panel', attrs: { id: 'panel-simulation' } }),
  };
  const tabButtons: Record<Tab, HTMLButtonElement> = {
    properties: h('button', { class: 'tab', attrs: { id: 'tab-properties', type: 'button', 'data-tab': 'properties' } }, t('modeler.tab.properties')),
    problems: h('button', { class: 'tab', attrs: { id: 'tab-problems', type: 'button', 'data-tab': 'problems' } }, t('modeler.tab.problems')),
    simulation: h('button', { class: 'tab', attrs: { id: 'tab-simulation', type: 'button', 'data-tab': 'simulation' } }, t('modeler.tab.simulation')),
  };
  const toolbarButton = (id: string, label: string, title: string) => h('button', { attrs: { id, type: 'button', disabled: '' }, title }, label);
  const buttons = {
    save: toolbarButton('save', t('modeler.save'), t('modeler.save.title')),
    undo: toolbarButton('undo', t('modeler.undo'), t('modeler.undo.title')),
    redo: toolbarButton('redo', t('modeler.redo'), t('modeler.redo.title')),
    svg: toolbarButton('export-svg', 'SVG', t('modeler.export.svg')),
    png: toolbarButton('export-png', 'PNG', t('modeler.export.png')),
  };
  const deployButton = workbench
    ? toolbarButton('deploy', t('modeler.deploy'), t('modeler.deploy.title'))
    : undefined;

  replaceChildren(
    root,
    h(
      'header',
      { class: 'toolbar' },
      h('span', { class: 'brand' }, 'sopflow'),
      workbench ? viewLinks(workbench, 'modeler') : null,
      fileName,
      h('span', { class: 'spacer' }),
      buttons.save,
      deployButton,
      buttons.undo,
      buttons.redo,
      h('span', { class: 'separator' }),
      h('span', { class: 'label' }, t('modeler.export')),
      buttons.svg,
      buttons.png,
      h('span', { class: 'separator' }),
      // Changing the language reloads the page; unsaved changes are kept for it (see restoreUnsaved).
      languageSwitch(() => keepUnsaved()),
    ),
    h('div', { class: 'workspace' }, filesPane, h('main', { class: 'canvas-pane' }, canvas, empty), h('aside', { class: 'side' }, h('div', { class: 'tabs', attrs: { role: 'tablist' } }, ...Object.values(tabButtons)), ...Object.values(panels))),
    status,
  );

  const modeler = new BpmnModeler({
    container: canvas,
    propertiesPanel: { parent: panels.properties },
    linting: { active: true },
    // A copy: moddle rewrites a descriptor in place when it registers it, and the engine's own moddle must get the original.
    moddleExtensions: { sop: createSopDescriptor() },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, sopPropertiesModule, lintModule, soundnessModule, simulationModule, translateModule],
  });
  const get = <T>(name: string): T => modeler.get<T>(name);
  const commandStack = get<CommandStackLike>('commandStack');

  let tab: Tab = 'properties';
  const simulation = new SimulationPanel(panels.simulation, { saveXML: () => modeler.saveXML(), get });
  const showTab = (next: Tab) => {
    tab = next;
    for (const [name, panel] of Object.entries(panels) as Array<[Tab, HTMLElement]>) {
      panel.hidden = name !== next;
      tabButtons[name].classList.toggle('active', name === next);
      tabButtons[name].setAttribute('aria-selected', String(name === next));
    }
    if (next === 'simulation' && session.path) void simulation.refreshStarts();
  };
  for (const [name, button] of Object.entries(tabButtons) as Array<[Tab, HTMLButtonElement]>) button.addEventListener('click', () => showTab(name));
  new ProblemsPanel(panels.problems, { get }, (errors, warnings) => {
    tabButtons.problems.textContent = errors + warnings ? t('modeler.tab.problems-count', { n: errors + warnings }) : t('modeler.tab.problems');
    tabButtons.problems.classList.toggle('has-errors', errors > 0);
  });

  const updateTitle = () => {
    fileName.textContent = session.path ? `${session.path}${session.dirty ? ' •' : ''}` : t('modeler.no-diagram');
    document.title = `${session.path ? `${session.path}${session.dirty ? ' •' : ''} — ` : ''}${t('modeler.title')}`;
  };
  const fileList = new FileList(filesPane, {
    open: (path) => void run(() => session.open(path)),
    create: () => void run(create),
    refresh: () => void run(refreshFiles),
  });
  const session = new DiagramSession(api, modeler as never, {
    opened: async (path, warnings) => {
      empty.hidden = true;
      const palette = canvas.querySelector('.djs-palette')?.getBoundingClientRect();
      fitDiagram(get('canvas'), palette ? palette.right - canvas.getBoundingClientRect().left : 0);
      for (const b of Object.values(buttons)) b.disabled = false;
      if (deployButton) deployButton.disabled = false;
      fileList.setCurrent(path);
      updateTitle();
      say(warnings ? t('modeler.status.opened-warnings', { path, n: warnings }) : t('modeler.status.opened', { path }), warnings ? 'error' : 'info');
      simulation.stop();
      get<Calendars>('calendars').set(await api.calendars(path));
      if (tab === 'simulation') void simulation.refreshStarts();
    },
    saved: (path) => {
      updateTitle();
      say(t('modeler.status.saved', { path }));
      void refreshFiles();
    },
    dirtyChanged: (dirty) => {
      buttons.save.classList.toggle('dirty', dirty);
      updateTitle();
    },
    status: say,
  });
  modeler.on('commandStack.changed', () => {
    buttons.undo.disabled = !commandStack.canUndo();
    buttons.redo.disabled = !commandStack.canRedo();
  });

  let files: string[] = [];
  async function refreshFiles(): Promise<void> {
    const listing = await api.listFiles();
    files = listing.files.map((f) => f.path);
    fileList.show(listing.folder, listing.files);
  }
  async function create(): Promise<void> {
    const answer = await askNewDiagram(files);
    if (!answer) return;
    if (session.dirty && session.path) {
      const opened = await session.open(session.path);
      if (!opened) return;
    }
    await session.create(answer.path, newDiagramXml(answer.template, answer.path));
    await refreshFiles();
  }
  async function save(): Promise<void> {
    const invalid = panels.properties.querySelector('.bio-properties-panel-entry.has-error');
    if (invalid) {
      showTab('properties');
      say(t('modeler.status.field-error'), 'error');
      return;
    }
    await session.save();
  }
  async function deploy(): Promise<void> {
    if (!workbench || !session.path) return;
    if (session.dirty) {
      await save();
      if (session.dirty) return;
    }
    const [result] = await workbench.deploy(session.path);
    const versions = result.processes.map((p) => t(p.created ? 'modeler.status.deployed-version' : 'modeler.status.deployed-unchanged', { name: p.name ?? p.id, version: p.version }));
    say(t('modeler.status.deployed', { path: result.path, versions: versions.length ? versions : t('modeler.status.no-executable') }));
  }
  async function run(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      say((error as Error).message, 'error');
    }
  }

  buttons.save.addEventListener('click', () => void run(save));
  deployButton?.addEventListener('click', () => void run(deploy));
  buttons.undo.addEventListener('click', () => commandStack.undo());
  buttons.redo.addEventListener('click', () => commandStack.redo());
  const baseName = () => (session.path ?? 'diagram').split('/').pop()!.replace(/\.bpmn$/i, '');
  buttons.svg.addEventListener('click', () => void run(() => exportSvg(modeler, baseName())));
  buttons.png.addEventListener('click', () => void run(() => exportPng(modeler, baseName())));
  document.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      if (session.path) void run(save);
    }
  });
  // Another editor (or git) may change the open file while this page is in the background.
  const checkDisk = () => {
    if (document.visibilityState === 'visible') void run(() => session.checkDisk());
  };
  window.addEventListener('focus', checkDisk);
  document.addEventListener('visibilitychange', checkDisk);
  let reloadingForLanguage = false;
  window.addEventListener('beforeunload', (event) => {
    if (session.dirty && !reloadingForLanguage) event.preventDefault();
  });
  /** Keeps the open diagram (with its unsaved changes) and tab in sessionStorage for the reload in the other language. */
  async function keepUnsaved(): Promise<void> {
    const unsaved = await session.unsaved();
    if (session.path) sessionStorage.setItem(UNSAVED_KEY, JSON.stringify({ path: session.path, tab, ...unsaved }));
    reloadingForLanguage = true;
  }
  /** Reopens the diagram kept by keepUnsaved: its unsaved changes still unsaved. */
  async function restoreUnsaved(): Promise<void> {
    const text = sessionStorage.getItem(UNSAVED_KEY);
    if (!text) return;
    sessionStorage.removeItem(UNSAVED_KEY);
    const kept = JSON.parse(text) as Partial<UnsavedDiagram> & { path: string; tab?: Tab };
    if (kept.xml !== undefined && kept.etag !== undefined) {
      await session.restore({ path: kept.path, etag: kept.etag, xml: kept.xml });
      say(t('modeler.status.restored', { path: kept.path }));
    } else await session.open(kept.path, { force: true });
    if (kept.tab && kept.tab in panels) showTab(kept.tab);
  }

  showTab('properties');
  await run(async () => {
    const lint = await api.lintConfig();
    await get<SopLinting>('sopLinting').setConfig(lint.config as LintConfig);
    if (lint.error) say(lint.error, 'error');
  });
  await run(refreshFiles);
  await run(restoreUnsaved);
}

/** Where the unsaved diagram waits while the page reloads in another language. */
const UNSAVED_KEY = 'sopflow.unsaved-diagram';
