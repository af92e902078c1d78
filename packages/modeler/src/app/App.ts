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
import { DiagramSession } from '../features/files/DiagramSession.js';
import { askNewDiagram } from '../features/files/dialogs.js';
import { FileList } from '../features/files/FileList.js';
import lintModule from '../features/lint/index.js';
import type SopLinting from '../features/lint/SopLinting.js';
import { ProblemsPanel } from '../features/problems/ProblemsPanel.js';
import simulationModule, { SimulationPanel } from '../features/simulation/index.js';
import soundnessModule from '../features/soundness/index.js';
import sopPropertiesModule from '../features/sop-properties/index.js';
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
  let api: ApiClient;
  try {
    api = ApiClient.fromLocation();
  } catch (error) {
    replaceChildren(root, h('div', { class: 'fatal' }, h('h1', {}, 'sopflow modeler'), h('p', {}, (error as Error).message)));
    return;
  }

  // Under `sopflow start` (the page URL has `workbench`): links to the Run and Monitor views, and Deploy.
  const workbench = new URLSearchParams(window.location.search).has('workbench') ? WorkbenchClient.fromLocation() : undefined;

  const status = h('div', { class: 'status', attrs: { id: 'status', role: 'status' } });
  const say = (text: string, kind: 'info' | 'error' = 'info') => {
    status.textContent = text;
    status.className = `status ${kind}`;
  };
  const fileName = h('span', { class: 'file-name', attrs: { id: 'file-name' } }, 'No diagram open');
  const canvas = h('div', { class: 'canvas', attrs: { id: 'canvas' } });
  const empty = h('div', { class: 'empty-state' }, h('p', {}, 'Open a diagram from the list, or create one with New….'));
  const filesPane = h('nav', { class: 'files', attrs: { 'aria-label': 'Diagrams' } });
  const panels: Record<Tab, HTMLElement> = {
    properties: h('div', { class: 'panel', attrs: { id: 'panel-properties' } }),
    problems: h('div', { class: 'panel', attrs: { id: 'panel-problems' } }),
    simulation: h('div', { class: 'panel', attrs: { id: 'panel-simulation' } }),
  };
  const tabButtons: Record<Tab, HTMLButtonElement> = {
    properties: h('button', { class: 'tab', attrs: { id: 'tab-properties', type: 'button', 'data-tab': 'properties' } }, 'Properties'),
    problems: h('button', { class: 'tab', attrs: { id: 'tab-problems', type: 'button', 'data-tab': 'problems' } }, 'Problems'),
    simulation: h('button', { class: 'tab', attrs: { id: 'tab-simulation', type: 'button', 'data-tab': 'simulation' } }, 'Simulate'),
  };
  const toolbarButton = (id: string, label: string, title: string) => h('button', { attrs: { id, type: 'button', disabled: '' }, title }, label);
  const buttons = {
    save: toolbarButton('save', 'Save', 'Save to disk (Ctrl+S)'),
    undo: toolbarButton('undo', 'Undo', 'Undo (Ctrl+Z)'),
    redo: toolbarButton('redo', 'Redo', 'Redo (Ctrl+Y / Ctrl+Shift+Z)'),
    svg: toolbarButton('export-svg', 'SVG', 'Download the diagram as SVG'),
    png: toolbarButton('export-png', 'PNG', 'Download the diagram as PNG'),
  };
  const deployButton = workbench
    ? toolbarButton('deploy', 'Deploy', 'Save, then deploy this diagram to the workbench: new cases use the new version; running cases keep the version they started with')
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
      h('span', { class: 'label' }, 'Export'),
      buttons.svg,
      buttons.png,
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
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, sopPropertiesModule, lintModule, soundnessModule, simulationModule],
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
    tabButtons.problems.textContent = errors + warnings ? `Problems (${errors + warnings})` : 'Problems';
    tabButtons.problems.classList.toggle('has-errors', errors > 0);
  });

  const updateTitle = () => {
    fileName.textContent = session.path ? `${session.path}${session.dirty ? ' •' : ''}` : 'No diagram open';
    document.title = `${session.path ? `${session.path}${session.dirty ? ' •' : ''} — ` : ''}sopflow modeler`;
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
      say(warnings ? `Opened ${path} with ${warnings} import warning(s).` : `Opened ${path}.`, warnings ? 'error' : 'info');
      simulation.stop();
      get<Calendars>('calendars').set(await api.calendars(path));
      if (tab === 'simulation') void simulation.refreshStarts();
    },
    saved: (path) => {
      updateTitle();
      say(`Saved ${path}.`);
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
      say('Not saved: a field in the properties panel has an error (marked in red); its value is not applied. Fix it or undo the typing first.', 'error');
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
    const versions = result.processes.map((p) => `${p.name ?? p.id} v${p.version}${p.created ? '' : ' (unchanged: already deployed)'}`).join(', ');
    say(`Deployed ${result.path}: ${versions || 'no executable process'}. New cases use it; running cases keep their version.`);
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
  window.addEventListener('beforeunload', (event) => {
    if (session.dirty) event.preventDefault();
  });

  showTab('properties');
  await run(async () => {
    const lint = await api.lintConfig();
    await get<SopLinting>('sopLinting').setConfig(lint.config as LintConfig);
    if (lint.error) say(lint.error, 'error');
  });
  await run(refreshFiles);
}
