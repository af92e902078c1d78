import type { AuditEvent, TaskRow } from '@sopflow/engine';
import { h, replaceChildren } from '../../app/dom.js';
import type Calendars from '../calendars/Calendars.js';
import { Simulation, type StartOption } from './Simulation.js';
import type SimulationOverlays from './SimulationOverlays.js';
import { formatTime as formatInZone, t, tr } from '../../i18n/language.js';
import { localInput, readStartTime } from './time.js';
import { formatVariables, parseVariables } from './variables.js';

/** What the panel needs of the modeler. */
export interface SimulationHost {
  saveXML(): Promise<{ xml?: string }>;
  get<T = any>(name: string): T;
}

interface EventBusLike {
  on(event: string | string[], priority: number | ((e: any) => unknown), callback?: (e: any) => unknown): void;
}

/** An audit event's type in words, in the page's language (the type itself when it has none). Pure. */
function auditLabel(type: string): string {
  return tr.template(`sim.event.${type}`) === undefined ? type : t(`sim.event.${type}`);
}

/** Step-by-step token moves: in the trail only when "every event" is ticked. */
const TECHNICAL = new Set(['timer.fired', 'node.entered', 'node.left', 'gateway.joined', 'timer.scheduled', 'timer.cancelled', 'sla.cancelled', 'boundary.triggered', 'multi.started', 'multi.completed', 'scope.terminated', 'node.cancelled']);

/**
 * The simulation tab: start a case (start event, business key, start time,
 * variables), move virtual time (+1 h, +1 working day, to the next due
 * time), complete waiting tasks (from the list or by clicking them on the
 * canvas) with variables, and read the audit trail. The canvas shows
 * tokens, reminders and escalations through {@link SimulationOverlays}.
 */
export class SimulationPanel {
  private simulation: Simulation | undefined;
  private starts: StartOption[] = [];
  private tasks: TaskRow[] = [];
  private selectedTask: string | undefined;
  private stale = false;
  private busy = false;
  private readonly els;

  constructor(
    readonly root: HTMLElement,
    private readonly host: SimulationHost,
  ) {
    const button = (id: string, label: string, onClick: () => void, title?: string) =>
      h('button', { attrs: { id, type: 'button' }, title, on: { click: onClick } }, label);
    this.els = {
      now: h('span', { attrs: { id: 'sim-now' } }, '—'),
      zone: h('span', { class: 'sim-zone' }),
      start: h('select', { attrs: { id: 'sim-start-event' } }),
      key: h('input', { attrs: { id: 'sim-key', type: 'text', placeholder: t('sim.key.placeholder'), autocomplete: 'off' } }),
      time: h('input', { attrs: { id: 'sim-time', type: 'text', placeholder: '2026-11-23T09:00', autocomplete: 'off' } }),
      variables: h('textarea', { attrs: { id: 'sim-variables', rows: '4', placeholder: t('sim.variables.placeholder'), spellcheck: 'false' } }),
      message: h('div', { class: 'sim-message', attrs: { id: 'sim-message', role: 'status' } }),
      controls: h('div', { class: 'sim-controls' }),
      plusHour: button('sim-plus-hour', t('sim.plus-hour'), () => void this.act(() => this.simulation!.advance('PT1H'))),
      plusDay: button('sim-plus-day', t('sim.plus-day'), () => void this.act(() => this.simulation!.advanceWorkingDay())),
      nextDue: button('sim-next-due', t('sim.next-due'), () => void this.act(() => this.simulation!.advanceToNextDue())),
      stop: button('sim-stop', t('sim.stop'), () => this.stop(), t('sim.stop.title')),
      tasks: h('ul', { class: 'sim-tasks', attrs: { id: 'sim-tasks' } }),
      complete: h('div', { class: 'sim-complete', attrs: { id: 'sim-complete-form' } }),
      completeTitle: h('div', { class: 'sim-complete-title' }),
      completeVariables: h('textarea', { attrs: { id: 'sim-complete-variables', rows: '3', placeholder: 'satisfied = true', spellcheck: 'false' } }),
      msgName: h('input', { attrs: { id: 'sim-msg-name', type: 'text', list: 'sim-msg-names', autocomplete: 'off', placeholder: t('sim.message.name.placeholder') } }),
      msgNames: h('datalist', { attrs: { id: 'sim-msg-names' } }),
      msgKey: h('input', { attrs: { id: 'sim-msg-key', type: 'text', autocomplete: 'off', placeholder: t('sim.message.key.placeholder') } }),
      msgVariables: h('textarea', { attrs: { id: 'sim-msg-variables', rows: '2', spellcheck: 'false', placeholder: 'deliveredAt = "2026-11-24"' } }),
      correlate: button('sim-correlate', t('sim.message.send'), () => void this.sendMessage(), t('sim.message.send.title')),
      signalName: h('input', { attrs: { id: 'sim-signal-name', type: 'text', list: 'sim-signal-names', autocomplete: 'off' } }),
      signalNames: h('datalist', { attrs: { id: 'sim-signal-names' } }),
      signalVariables: h('textarea', { attrs: { id: 'sim-signal-variables', rows: '2', spellcheck: 'false' } }),
      broadcast: button('sim-broadcast', t('sim.signal.send'), () => void this.broadcast(), t('sim.signal.send.title')),
      audit: h('ol', { class: 'sim-audit', attrs: { id: 'sim-audit' } }),
      everyEvent: h('input', { attrs: { id: 'sim-every-event', type: 'checkbox' } }),
    };
    const els = this.els;
    replaceChildren(els.controls, els.plusHour, els.plusDay, els.nextDue, els.stop);
    replaceChildren(
      els.complete,
      els.completeTitle,
      h('label', {}, t('sim.variables'), els.completeVariables),
      button('sim-complete', t('sim.complete'), () => void this.completeSelected()),
    );
    replaceChildren(
      root,
      h('div', { class: 'sim-clock' }, t('sim.clock'), els.now, ' ', els.zone),
      h(
        'form',
        { class: 'sim-start', on: { submit: (e: Event) => (e.preventDefault(), void this.start()) } },
        h('label', {}, t('sim.start-event'), els.start),
        h('label', {}, t('sim.key'), els.key),
        h('label', {}, t('sim.time'), els.time),
        h('label', {}, t('sim.variables'), els.variables),
        h('button', { attrs: { id: 'sim-start', type: 'submit' } }, t('sim.start')),
      ),
      els.message,
      els.controls,
      h('h3', {}, t('sim.tasks')),
      els.tasks,
      els.complete,
      h(
        'details',
        { class: 'sim-events-form', attrs: { id: 'sim-message-form' } },
        h('summary', {}, t('sim.message')),
        h('label', {}, t('sim.message.name'), els.msgName, els.msgNames),
        h('label', {}, t('sim.message.key'), els.msgKey),
        h('label', {}, t('sim.variables'), els.msgVariables),
        els.correlate,
      ),
      h(
        'details',
        { class: 'sim-events-form', attrs: { id: 'sim-signal-form' } },
        h('summary', {}, t('sim.signal')),
        h('label', {}, t('sim.signal.name'), els.signalName, els.signalNames),
        h('label', {}, t('sim.variables'), els.signalVariables),
        els.broadcast,
      ),
      h('h3', { class: 'sim-audit-heading' }, t('sim.audit'), h('label', { class: 'sim-every-event' }, els.everyEvent, t('sim.audit.every'))),
      els.audit,
    );
    const eventBus = host.get<EventBusLike>('eventBus');
    eventBus.on('element.click', 1500, (event: { element: { id: string } }) => {
      if (!this.simulation) return;
      const task = this.tasks.find((t) => t.node === event.element.id);
      if (task) this.select(task.id);
    });
    eventBus.on('commandStack.changed', () => {
      if (this.simulation && !this.stale) {
        this.stale = true;
        this.say(t('sim.stale'));
      }
    });
    eventBus.on('calendars.changed', () => this.renderZone());
    els.everyEvent.addEventListener('change', () => void this.refresh());
    this.renderZone();
    this.renderState();
  }

  private get calendars(): Calendars {
    return this.host.get<Calendars>('calendars');
  }

  private get overlays(): SimulationOverlays {
    return this.host.get<SimulationOverlays>('simulationOverlays');
  }

  /** The zone virtual time is shown in: the first calendar's, else the browser's. */
  zone(): string {
    return this.calendars.list()[0]?.zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  /** Refreshes the start events from the diagram (call when the tab is shown). */
  async refreshStarts(): Promise<void> {
    const { xml } = await this.host.saveXML();
    try {
      this.starts = xml ? await Simulation.startsOf(xml) : [];
    } catch (error) {
      this.starts = [];
      this.say(t('sim.cannot-run', { reason: (error as Error).message }), true);
    }
    const previous = this.els.start.value;
    replaceChildren(
      this.els.start,
      ...this.starts.map((s, i) =>
        h('option', { attrs: { value: String(i) } }, `${s.kind === 'message' ? t('sim.start-event.message', { name: s.nodeName ?? s.node, message: s.message }) : (s.nodeName ?? s.node)}${this.starts.length > 1 && s.processName ? ` — ${s.processName}` : ''}`),
      ),
    );
    if (previous && Number(previous) < this.starts.length) this.els.start.value = previous;
    if (!this.els.time.value) this.els.time.value = localInput(Math.floor(Date.now() / 60_000) * 60_000, this.zone());
  }

  /** Starts a new case on a fresh engine (ending the previous simulation). */
  async start(): Promise<void> {
    if (this.busy) return;
    let variables: Record<string, unknown>;
    let at: number;
    try {
      variables = parseVariables(this.els.variables.value);
      at = readStartTime(this.els.time.value, this.zone());
    } catch (error) {
      this.say((error as Error).message, true);
      return;
    }
    this.busy = true;
    try {
      await this.simulation?.close();
      this.simulation = undefined;
      const { xml } = await this.host.saveXML();
      const simulation = await Simulation.create({ xml: xml ?? '', calendars: this.calendars.list(), start: at, timeZone: this.zone() });
      this.simulation = simulation;
      this.stale = false;
      replaceChildren(this.els.msgNames, ...simulation.messages.map((m) => h('option', { attrs: { value: m } })));
      replaceChildren(this.els.signalNames, ...simulation.signals.map((m) => h('option', { attrs: { value: m } })));
      if (!this.els.msgName.value && simulation.messages.length) this.els.msgName.value = simulation.messages.find((m) => !simulation.starts.some((st) => st.message === m)) ?? '';
      if (!this.els.signalName.value && simulation.signals.length) this.els.signalName.value = simulation.signals[0];
      const start = simulation.starts[Number(this.els.start.value) || 0];
      await simulation.start({ ...(start ? { start } : {}), variables, ...(this.els.key.value.trim() ? { businessKey: this.els.key.value.trim() } : {}) });
      this.say(t('sim.started'));
    } catch (error) {
      this.say(t('sim.could-not-start', { reason: (error as Error).message }), true);
    } finally {
      this.busy = false;
    }
    await this.refresh();
  }

  /** Ends the simulation and clears the canvas. */
  stop(): void {
    void this.simulation?.close();
    this.simulation = undefined;
    this.tasks = [];
    this.selectedTask = undefined;
    this.overlays.clear();
    this.say('');
    this.renderState();
    replaceChildren(this.els.tasks);
    replaceChildren(this.els.audit);
  }

  /** Whether a simulation is running. */
  running(): boolean {
    return this.simulation !== undefined;
  }

  private async act(move: () => Promise<unknown>): Promise<void> {
    if (!this.simulation || this.busy) return;
    this.busy = true;
    try {
      await move();
    } catch (error) {
      this.say((error as Error).message, true);
    } finally {
      this.busy = false;
    }
    await this.refresh();
  }

  private select(taskId: string): void {
    this.selectedTask = taskId;
    const task = this.tasks.find((t) => t.id === taskId);
    const fields = task ? (this.simulation?.definitions.flatMap((d) => (d.nodes[task.node]?.fields ?? []).map((f) => f.name)) ?? []) : [];
    this.els.completeVariables.value = fields.length ? formatVariables(Object.fromEntries(fields.map((f) => [f, '']))) : '';
    this.renderTasks();
    this.els.completeVariables.focus();
  }

  private async sendMessage(): Promise<void> {
    const name = this.els.msgName.value.trim();
    if (!this.simulation) return;
    if (!name) {
      this.say(t('sim.message.no-name'), true);
      return;
    }
    let variables: Record<string, unknown>;
    try {
      variables = parseVariables(this.els.msgVariables.value);
    } catch (error) {
      this.say((error as Error).message, true);
      return;
    }
    const key = this.els.msgKey.value.trim();
    await this.act(async () => {
      const { correlated, started } = await this.simulation!.correlate(name, { ...(key ? { key } : {}), variables });
      this.say(
        t('sim.message.sent', {
          name,
          key: key ? t('sim.message.sent.key', { key }) : '',
          n: correlated.length,
          started: started.length ? t('sim.message.sent.started', { n: started.length }) : '',
        }),
      );
    });
  }

  private async broadcast(): Promise<void> {
    const name = this.els.signalName.value.trim();
    if (!this.simulation) return;
    if (!name) {
      this.say(t('sim.signal.no-name'), true);
      return;
    }
    let variables: Record<string, unknown>;
    try {
      variables = parseVariables(this.els.signalVariables.value);
    } catch (error) {
      this.say((error as Error).message, true);
      return;
    }
    await this.act(async () => {
      await this.simulation!.signal(name, variables);
      this.say(t('sim.signal.sent', { name }));
    });
  }

  private async completeSelected(): Promise<void> {
    const taskId = this.selectedTask;
    if (!this.simulation || !taskId) return;
    let variables: Record<string, unknown>;
    try {
      variables = parseVariables(this.els.completeVariables.value);
    } catch (error) {
      this.say((error as Error).message, true);
      return;
    }
    this.selectedTask = undefined;
    this.els.completeVariables.value = '';
    await this.act(() => this.simulation!.complete(taskId, variables));
  }

  private async refresh(): Promise<void> {
    const simulation = this.simulation;
    if (!simulation) {
      this.renderState();
      return;
    }
    const [views, tasks, audit] = await Promise.all([simulation.views(), simulation.tasks(), simulation.audit()]);
    if (simulation !== this.simulation) return;
    this.tasks = tasks;
    if (this.selectedTask && !tasks.some((t) => t.id === this.selectedTask)) this.selectedTask = undefined;
    const formatTime = (ms: number) => formatInZone(ms, this.zone());
    this.overlays.show({ views, tasks, audit, formatTime });
    if (views.length && views.every((v) => v.status !== 'running')) this.say(t('sim.case.ended', { status: tr.template(`sim.status.${views[0].status}`) === undefined ? views[0].status : t(`sim.status.${views[0].status}`) }));
    this.renderState();
    this.renderTasks();
    this.renderAudit(audit, formatTime);
  }

  private renderZone(): void {
    this.els.zone.textContent = t('sim.zone', { zone: this.zone() });
  }

  private renderState(): void {
    const simulation = this.simulation;
    const on = simulation !== undefined;
    this.els.now.textContent = simulation ? formatInZone(simulation.clock.now(), this.zone()) : '—';
    for (const b of [this.els.plusHour, this.els.nextDue, this.els.stop, this.els.correlate, this.els.broadcast]) b.disabled = !on;
    const hasCalendar = this.calendars.list().length > 0;
    this.els.plusDay.disabled = !on || !hasCalendar;
    this.els.plusDay.title = hasCalendar ? t('sim.plus-day.title', { name: this.calendars.list()[0].name }) : t('sim.plus-day.no-calendar');
    const next = simulation?.nextDue();
    this.els.nextDue.textContent = next === undefined ? t('sim.next-due') : t('sim.next-due.at', { time: formatInZone(next, this.zone()) });
    if (on && next === undefined) this.els.nextDue.disabled = true;
    this.els.complete.hidden = !this.selectedTask;
  }

  private renderTasks(): void {
    const formatTime = (ms: number) => formatInZone(ms, this.zone());
    replaceChildren(
      this.els.tasks,
      ...(this.tasks.length
        ? this.tasks.map((task) => {
            const who = task.assignee ?? [...task.candidateGroups.map((group) => t('sim.task.group', { group })), ...task.candidateUsers].join(', ');
            return h(
              'li',
              {
                class: `sim-task${task.id === this.selectedTask ? ' selected' : ''}`,
                attrs: { 'data-node': task.node, 'data-task': task.id, tabindex: '0' },
                on: { click: () => this.select(task.id), keydown: (e: KeyboardEvent) => e.key === 'Enter' && this.select(task.id) },
              },
              h('strong', {}, task.name ?? task.node),
              who ? h('span', { class: 'sim-who' }, ` — ${who}`) : null,
              task.due !== undefined ? h('span', { class: 'sim-task-due' }, t('sim.task.due', { due: formatTime(task.due) })) : null,
            );
          })
        : [h('li', { class: 'sim-none' }, t(this.simulation ? 'sim.tasks.none' : 'sim.tasks.not-started'))]),
    );
    const task = this.tasks.find((t) => t.id === this.selectedTask);
    this.els.completeTitle.textContent = task ? t('sim.complete.title', { task: task.name ?? task.node }) : '';
    this.els.complete.hidden = !task;
  }

  private renderAudit(audit: AuditEvent[], formatTime: (ms: number) => string): void {
    replaceChildren(
      this.els.audit,
      ...audit.filter((event) => this.els.everyEvent.checked || !TECHNICAL.has(event.type)).map((event) => {
        const detail = event.data.code ? ` ${String(event.data.code)}` : '';
        return h(
          'li',
          { class: `sim-audit-entry sim-audit-${event.type.replace(/\./g, '-')}`, attrs: { 'data-type': event.type, 'data-node': event.node } },
          h('time', {}, formatTime(event.time)),
          ' ',
          h('span', { class: 'sim-audit-type', title: event.type }, `${auditLabel(event.type)}${detail}`),
          event.nodeName || event.node ? h('span', { class: 'sim-audit-node' }, ` — ${event.nodeName ?? event.node}`) : null,
        );
      }),
    );
    this.els.audit.scrollTop = this.els.audit.scrollHeight;
  }

  private say(text: string, error = false): void {
    this.els.message.textContent = text;
    this.els.message.classList.toggle('error', error);
  }
}
