/**
 * The Run view: who you are (user and groups), your task inbox and the
 * form to complete a task, starting a case with its start form, sending a
 * message, broadcasting a signal, the deployed processes (and deploying
 * the folder again), and the live feed of what the engine does —
 * reminders and escalations as the e-mails they would be.
 */
import { h, replaceChildren } from '../../app/dom.js';
import { t } from '../../i18n/language.js';
import { parseVariables } from '../../features/simulation/variables.js';
import { noticeText } from '../feedText.js';
import { FieldsForm, FormError } from '../forms.js';
import { debounce, followFeed } from '../live.js';
import type { Shell } from '../shell.js';
import type { FeedItem, ProcessSummary, TaskView } from '../types.js';
import { FormRefusedError, type WorkbenchClient } from '../WorkbenchClient.js';

const WHO_KEY = 'sopflow.workbench.who';

/** Groups typed as `a, b`: trimmed, empty ones dropped. Pure. */
export function splitGroups(text: string): string[] {
  return [...new Set(text.split(',').map((g) => g.trim()).filter(Boolean))];
}

/** Who a task is for, in words (in the page's language). Pure. */
export function taskOwners(task: Pick<TaskView, 'assignee' | 'candidateUsers' | 'candidateGroups'>): string {
  if (task.assignee) return t('run.owner.assigned', { user: task.assignee });
  return [...task.candidateGroups.map((group) => t('run.owner.group', { group })), ...task.candidateUsers.map((user) => t('run.owner.user', { user }))].join(', ') || t('run.owner.nobody');
}

function section(id: string, title: string, ...children: Array<Node | string | null>): HTMLElement {
  return h('section', { class: 'card', attrs: { id } }, h('h2', {}, title), ...children);
}

/** The Run view in a shell. */
export class RunPage {
  private processes: ProcessSummary[] = [];
  private tasks: TaskView[] = [];
  private selectedTask: string | undefined;
  private taskForm: FieldsForm | undefined;
  private startForm: FieldsForm | undefined;
  private readonly refreshSoon = debounce(() => void this.refresh(), 150);
  private readonly els = {
    user: h('input', { attrs: { id: 'who-user', type: 'text', placeholder: t('run.user.placeholder'), autocomplete: 'off' } }),
    groups: h('input', { attrs: { id: 'who-groups', type: 'text', placeholder: t('run.groups.placeholder'), autocomplete: 'off' } }),
    allTasks: h('input', { attrs: { id: 'inbox-all', type: 'checkbox' } }),
    inbox: h('ul', { class: 'inbox', attrs: { id: 'inbox' } }),
    inboxCount: h('span', { class: 'count', attrs: { id: 'inbox-count' } }),
    taskForm: h('form', { class: 'task-form', attrs: { id: 'task-form', hidden: '' } }),
    startProcess: h('select', { attrs: { id: 'start-process' } }),
    startEvent: h('select', { attrs: { id: 'start-event' } }),
    startEventRow: h('label', { class: 'form-row' }),
    startKeyLabel: h('span', {}, t('run.start.key')),
    startKey: h('input', { attrs: { id: 'start-key', type: 'text', autocomplete: 'off', placeholder: t('run.start.key.placeholder') } }),
    startFields: h('div', { attrs: { id: 'start-fields' } }),
    messageName: h('input', { attrs: { id: 'message-name', type: 'text', list: 'message-names', autocomplete: 'off', placeholder: t('run.message.name.placeholder') } }),
    messageNames: h('datalist', { attrs: { id: 'message-names' } }),
    messageKey: h('input', { attrs: { id: 'message-key', type: 'text', autocomplete: 'off', placeholder: t('run.message.key.placeholder') } }),
    messageVariables: h('textarea', { attrs: { id: 'message-variables', rows: '2', spellcheck: 'false', placeholder: t('run.variables.placeholder') } }),
    signalName: h('input', { attrs: { id: 'signal-name', type: 'text', list: 'signal-names', autocomplete: 'off' } }),
    signalNames: h('datalist', { attrs: { id: 'signal-names' } }),
    signalVariables: h('textarea', { attrs: { id: 'signal-variables', rows: '2', spellcheck: 'false', placeholder: t('run.variables.placeholder') } }),
    processes: h('tbody', { attrs: { id: 'process-rows' } }),
    feed: h('ol', { class: 'feed', attrs: { id: 'feed', reversed: '' } }),
  };

  constructor(
    private readonly shell: Shell,
    private readonly client: WorkbenchClient,
  ) {
    const els = this.els;
    const saved = JSON.parse(localStorage.getItem(WHO_KEY) ?? '{}') as { user?: string; groups?: string };
    els.user.value = saved.user ?? '';
    els.groups.value = saved.groups ?? '';
    const whoChanged = () => {
      localStorage.setItem(WHO_KEY, JSON.stringify({ user: els.user.value.trim(), groups: els.groups.value }));
      this.refreshSoon();
    };
    els.user.addEventListener('input', whoChanged);
    els.groups.addEventListener('input', whoChanged);
    els.allTasks.addEventListener('change', () => void this.refreshTasks());
    els.startProcess.addEventListener('change', () => this.renderStartForm());
    els.startEvent.addEventListener('change', () => this.renderStartForm());
    replaceChildren(els.startEventRow, h('span', {}, t('run.start.event')), els.startEvent);

    const button = (id: string, label: string, kind = '') => h('button', { class: kind, attrs: { id, type: 'submit' } }, label);
    replaceChildren(
      shell.main,
      h(
        'div',
        { class: 'column' },
        section(
          'who',
          t('run.who'),
          h('p', { class: 'hint' }, t('run.who.hint')),
          h('label', { class: 'form-row' }, h('span', {}, t('run.user')), els.user),
          h('label', { class: 'form-row' }, h('span', {}, t('run.groups')), els.groups),
        ),
        section(
          'tasks',
          t('run.inbox'),
          h('div', { class: 'inbox-head' }, els.inboxCount, h('label', { class: 'inline' }, els.allTasks, t('run.inbox.all'))),
          els.inbox,
          els.taskForm,
        ),
      ),
      h(
        'div',
        { class: 'column' },
        section(
          'start',
          t('run.start'),
          h(
            'form',
            { attrs: { id: 'start-form' }, on: { submit: (e: Event) => (e.preventDefault(), void this.startCase()) } },
            h('label', { class: 'form-row' }, h('span', {}, t('run.start.process')), els.startProcess),
            els.startEventRow,
            h('label', { class: 'form-row' }, els.startKeyLabel, els.startKey),
            els.startFields,
            button('start-submit', t('run.start.submit'), 'primary'),
          ),
        ),
        section(
          'message',
          t('run.message'),
          h(
            'form',
            { on: { submit: (e: Event) => (e.preventDefault(), void this.sendMessage()) } },
            h('label', { class: 'form-row' }, h('span', {}, t('run.message.name')), els.messageName, els.messageNames),
            h('label', { class: 'form-row' }, h('span', {}, t('run.message.key')), els.messageKey),
            h('label', { class: 'form-row' }, h('span', {}, t('run.variables')), els.messageVariables),
            button('message-send', t('run.message.send')),
          ),
        ),
        section(
          'signal',
          t('run.signal'),
          h(
            'form',
            { on: { submit: (e: Event) => (e.preventDefault(), void this.sendSignal()) } },
            h('label', { class: 'form-row' }, h('span', {}, t('run.signal.name')), els.signalName, els.signalNames),
            h('label', { class: 'form-row' }, h('span', {}, t('run.variables')), els.signalVariables),
            button('signal-send', t('run.signal.send')),
          ),
        ),
        section(
          'deployed',
          t('run.deployed'),
          h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, ...(['process', 'version', 'running', 'completed', 'breached'] as const).map((column) => h('th', {}, t(`run.deployed.col.${column}`))))), els.processes),
          h(
            'p',
            { class: 'hint' },
            t('run.deployed.hint'),
          ),
          h('button', { attrs: { id: 'deploy-all', type: 'button' }, on: { click: () => void this.deployAll() } }, t('run.deploy-all')),
        ),
      ),
      h('div', { class: 'column' }, section('live', t('run.live'), h('p', { class: 'hint' }, t('run.live.hint')), this.els.feed)),
    );
  }

  /** Loads everything and follows the live feed. */
  async start(): Promise<void> {
    await this.refresh();
    followFeed(this.client, {
      onItem: (item) => {
        this.addFeedItem(item);
        this.refreshSoon();
      },
      onState: (state) => this.shell.setLive(state),
    });
  }

  private who(): { user?: string; groups: string[] } {
    const user = this.els.user.value.trim();
    return { ...(user ? { user } : {}), groups: splitGroups(this.els.groups.value) };
  }

  private async refresh(): Promise<void> {
    try {
      const [status, processes] = await Promise.all([this.client.status(), this.client.processes()]);
      this.shell.setStatus(status);
      const changed = JSON.stringify(processes.map((p) => [p.key, p.starts])) !== JSON.stringify(this.processes.map((p) => [p.key, p.starts]));
      this.processes = processes;
      this.renderProcesses(changed);
      await this.refreshTasks();
    } catch (error) {
      this.shell.say((error as Error).message, 'error');
    }
  }

  private async refreshTasks(): Promise<void> {
    const who = this.who();
    this.tasks = await this.client.tasks(this.els.allTasks.checked ? {} : who);
    if (this.selectedTask && !this.tasks.some((t) => t.id === this.selectedTask)) this.selectTask(undefined);
    this.renderInbox();
  }

  private renderProcesses(startsChanged: boolean): void {
    const els = this.els;
    replaceChildren(
      els.processes,
      ...this.processes.map((p) =>
        h(
          'tr',
          { attrs: { 'data-process': p.id } },
          h('td', {}, h('a', { attrs: { href: this.client.pageUrl('monitor.html', `process=${encodeURIComponent(p.id)}`) } }, p.name ?? p.id), p.file ? h('div', { class: 'muted' }, p.file) : null),
          h('td', {}, `v${p.version}`),
          h('td', { class: 'num' }, p.counts.running),
          h('td', { class: 'num' }, p.counts.completed),
          h('td', { class: `num${p.counts.breached ? ' alert' : ''}` }, p.counts.breached),
        ),
      ),
    );
    const messages = [...new Set(this.processes.flatMap((p) => p.messages))].sort();
    const signals = [...new Set(this.processes.flatMap((p) => p.signals))].sort();
    replaceChildren(els.messageNames, ...messages.map((m) => h('option', { attrs: { value: m } })));
    replaceChildren(els.signalNames, ...signals.map((s) => h('option', { attrs: { value: s } })));
    if (!startsChanged) return;
    const previous = els.startProcess.value;
    const startable = this.processes.filter((p) => p.starts.length);
    replaceChildren(els.startProcess, ...startable.map((p) => h('option', { attrs: { value: p.id } }, t('run.start.option', { name: p.name ?? p.id, version: p.version }))));
    if (startable.some((p) => p.id === previous)) els.startProcess.value = previous;
    this.renderStartForm();
  }

  private currentStart() {
    const process = this.processes.find((p) => p.id === this.els.startProcess.value);
    const start = process?.starts.find((s) => s.node === this.els.startEvent.value) ?? process?.starts[0];
    return { process, start };
  }

  private renderStartForm(): void {
    const els = this.els;
    const process = this.processes.find((p) => p.id === els.startProcess.value);
    const previous = els.startEvent.value;
    replaceChildren(els.startEvent, ...(process?.starts ?? []).map((s) => h('option', { attrs: { value: s.node } }, s.kind === 'message' ? t('run.start.event.message', { name: s.name ?? s.node, message: s.message }) : (s.name ?? s.node))));
    if (process?.starts.some((s) => s.node === previous)) els.startEvent.value = previous;
    els.startEventRow.hidden = (process?.starts.length ?? 0) < 2;
    const { start } = this.currentStart();
    els.startKeyLabel.textContent = start?.kind === 'message' ? t('run.start.key.message', { message: start.message }) : t('run.start.key');
    this.startForm?.destroy();
    this.startForm = new FieldsForm(start?.form, 'start-form');
    replaceChildren(els.startFields, this.startForm.element);
  }

  private renderInbox(): void {
    const els = this.els;
    const now = this.shell.now();
    els.inboxCount.textContent = t('run.inbox.count', { n: this.tasks.length });
    replaceChildren(
      els.inbox,
      ...(this.tasks.length
        ? this.tasks.map((task) =>
            h(
              'li',
              {
                class: `task${task.id === this.selectedTask ? ' selected' : ''}${task.due !== undefined && task.due < now ? ' overdue' : ''}`,
                attrs: { 'data-task': task.id, 'data-node': task.node, tabindex: '0' },
                on: { click: () => this.selectTask(task.id), keydown: (e: KeyboardEvent) => e.key === 'Enter' && this.selectTask(task.id) },
              },
              h('strong', {}, task.name ?? task.node),
              h('div', { class: 'muted' }, t('run.inbox.case', { process: task.processName ?? task.processId }), h('a', { attrs: { href: this.client.pageUrl('monitor.html', `case=${encodeURIComponent(task.instanceId)}`) } }, task.businessKey ?? task.instanceId.slice(0, 8))),
              h('div', { class: 'muted' }, taskOwners(task), task.due !== undefined ? t('run.due', { due: this.shell.format(task.due) }) : ''),
            ),
          )
        : [h('li', { class: 'none' }, t(this.els.allTasks.checked ? 'run.inbox.none-all' : 'run.inbox.none'))]),
    );
  }

  private selectTask(taskId: string | undefined): void {
    this.selectedTask = taskId;
    const task = this.tasks.find((t) => t.id === taskId);
    const form = this.els.taskForm;
    form.hidden = !task;
    if (!task) {
      replaceChildren(form);
      this.renderInbox();
      return;
    }
    this.taskForm?.destroy();
    this.taskForm = new FieldsForm(task.form, 'task-form', task.form ? this.client.caseDetail(task.instanceId).then((detail) => detail.instance.variables) : undefined);
    replaceChildren(
      form,
      h('h3', { attrs: { id: 'task-form-title' } }, t('run.task.complete-title', { task: task.name ?? task.node })),
      this.taskForm.element,
      h('div', { class: 'buttons' }, h('button', { class: 'primary', attrs: { id: 'task-complete', type: 'submit' } }, t('run.task.complete')), h('button', { attrs: { type: 'button' }, on: { click: () => this.selectTask(undefined) } }, t('run.cancel'))),
    );
    form.onsubmit = (e) => {
      e.preventDefault();
      void this.completeTask(task);
    };
    this.renderInbox();
  }

  private async act(what: () => Promise<string>): Promise<void> {
    try {
      this.shell.say(await what());
    } catch (error) {
      this.shell.say(error instanceof FormError ? t('run.not-sent', { reason: error.message }) : (error as Error).message, 'error');
    }
    await this.refresh();
  }

  private async completeTask(task: TaskView): Promise<void> {
    await this.act(async () => {
      const who = this.who();
      if (!who.user) throw new FormError('user', t('run.need-user'));
      const variables = await this.taskForm!.values();
      await this.refusedOn(this.taskForm!, () => this.client.completeTask(task.id, { user: who.user!, groups: who.groups, variables }));
      this.selectTask(undefined);
      return t('run.completed', { task: task.name ?? task.node, user: who.user });
    });
  }

  /** Runs a call that sends a form; the engine's refusal of its fields is shown on them (and rethrown for the status line). */
  private async refusedOn<T>(form: FieldsForm, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (error instanceof FormRefusedError) form.showProblems(error.fields);
      throw error;
    }
  }

  private async startCase(): Promise<void> {
    await this.act(async () => {
      const { process, start } = this.currentStart();
      if (!process || !start) throw new FormError('process', t('run.no-process'));
      const variables = await this.startForm!.values();
      const key = this.els.startKey.value.trim();
      const form = this.startForm!;
      const { id } = await this.refusedOn(form, () => this.client.startCase({ processId: process.id, startNode: start.node, variables, ...(key ? { businessKey: key } : {}), ...(this.who().user ? { user: this.who().user } : {}) }));
      form.clear();
      this.els.startKey.value = '';
      return t('run.started', { key: key || id, process: process.name ?? process.id });
    });
  }

  private async sendMessage(): Promise<void> {
    await this.act(async () => {
      const name = this.els.messageName.value.trim();
      if (!name) throw new FormError('name', t('run.message.no-name'));
      const key = this.els.messageKey.value.trim();
      let variables: Record<string, unknown>;
      try {
        variables = parseVariables(this.els.messageVariables.value);
      } catch (error) {
        throw new FormError('variables', (error as Error).message);
      }
      const result = await this.client.correlate({ name, variables, ...(key ? { key } : {}), ...(this.who().user ? { user: this.who().user } : {}) });
      this.els.messageVariables.value = '';
      return t('run.message.sent', { name, n: result.correlated.length, started: result.started.length });
    });
  }

  private async sendSignal(): Promise<void> {
    await this.act(async () => {
      const name = this.els.signalName.value.trim();
      if (!name) throw new FormError('name', t('run.signal.no-name'));
      let variables: Record<string, unknown>;
      try {
        variables = parseVariables(this.els.signalVariables.value);
      } catch (error) {
        throw new FormError('variables', (error as Error).message);
      }
      await this.client.signal({ name, variables, ...(this.who().user ? { user: this.who().user } : {}) });
      return t('run.signal.sent', { name });
    });
  }

  private async deployAll(): Promise<void> {
    await this.act(async () => {
      const files = await this.client.deploy();
      const failed = files.filter((f) => f.error);
      if (failed.length) throw new Error(failed.map((f) => `${f.path}: ${f.error}`).join('\n'));
      return t('run.deployed.done', { list: files.flatMap((f) => f.processes.map((p) => t(p.created ? 'run.deployed.version' : 'run.deployed.unchanged', { id: p.id, version: p.version }))).join(', ') });
    });
  }

  private addFeedItem(item: FeedItem): void {
    if (!item.notice) return;
    const link = item.instanceId ? h('a', { attrs: { href: this.client.pageUrl('monitor.html', `case=${encodeURIComponent(item.instanceId)}`) } }, t('run.live.case')) : null;
    this.els.feed.prepend(
      h(
        'li',
        { class: `notice ${item.notice.level}`, attrs: { 'data-type': item.type, 'data-seq': String(item.seq), ...(item.node ? { 'data-node': item.node } : {}) } },
        h('time', {}, this.shell.format(item.time)),
        item.notice.to.length ? h('div', { class: 'to' }, t('run.live.to', { to: item.notice.to.join(', ') })) : null,
        h('div', {}, noticeText(item, (ms) => this.shell.format(ms)), link ? ' ' : '', link),
      ),
    );
    while (this.els.feed.children.length > 200) this.els.feed.lastElementChild!.remove();
  }
}
