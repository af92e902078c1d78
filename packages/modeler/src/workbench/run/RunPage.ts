/**
 * The Run view: who you are (user and groups), your task inbox and the
 * form to complete a task, starting a case with its start form, sending a
 * message, broadcasting a signal, the deployed processes (and deploying
 * the folder again), and the live feed of what the engine does —
 * reminders and escalations as the e-mails they would be.
 */
import { h, replaceChildren } from '../../app/dom.js';
import { parseVariables } from '../../features/simulation/variables.js';
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

/** Who a task is for, in words. Pure. */
export function taskOwners(task: Pick<TaskView, 'assignee' | 'candidateUsers' | 'candidateGroups'>): string {
  if (task.assignee) return `assigned to ${task.assignee}`;
  return [...task.candidateGroups.map((g) => `group ${g}`), ...task.candidateUsers.map((u) => `user ${u}`)].join(', ') || 'nobody';
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
    user: h('input', { attrs: { id: 'who-user', type: 'text', placeholder: 'e.g. wu', autocomplete: 'off' } }),
    groups: h('input', { attrs: { id: 'who-groups', type: 'text', placeholder: 'e.g. support-agents, supervisors', autocomplete: 'off' } }),
    allTasks: h('input', { attrs: { id: 'inbox-all', type: 'checkbox' } }),
    inbox: h('ul', { class: 'inbox', attrs: { id: 'inbox' } }),
    inboxCount: h('span', { class: 'count', attrs: { id: 'inbox-count' } }),
    taskForm: h('form', { class: 'task-form', attrs: { id: 'task-form', hidden: '' } }),
    startProcess: h('select', { attrs: { id: 'start-process' } }),
    startEvent: h('select', { attrs: { id: 'start-event' } }),
    startEventRow: h('label', { class: 'form-row' }),
    startKeyLabel: h('span', {}, 'Business key'),
    startKey: h('input', { attrs: { id: 'start-key', type: 'text', autocomplete: 'off', placeholder: 'e.g. C-1001' } }),
    startFields: h('div', { attrs: { id: 'start-fields' } }),
    messageName: h('input', { attrs: { id: 'message-name', type: 'text', list: 'message-names', autocomplete: 'off', placeholder: 'e.g. parcel-delivered' } }),
    messageNames: h('datalist', { attrs: { id: 'message-names' } }),
    messageKey: h('input', { attrs: { id: 'message-key', type: 'text', autocomplete: 'off', placeholder: 'e.g. SO-1001' } }),
    messageVariables: h('textarea', { attrs: { id: 'message-variables', rows: '2', spellcheck: 'false', placeholder: 'name = value, or a JSON object' } }),
    signalName: h('input', { attrs: { id: 'signal-name', type: 'text', list: 'signal-names', autocomplete: 'off' } }),
    signalNames: h('datalist', { attrs: { id: 'signal-names' } }),
    signalVariables: h('textarea', { attrs: { id: 'signal-variables', rows: '2', spellcheck: 'false', placeholder: 'name = value, or a JSON object' } }),
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
    replaceChildren(els.startEventRow, h('span', {}, 'Start event'), els.startEvent);

    const button = (id: string, label: string, kind = '') => h('button', { class: kind, attrs: { id, type: 'submit' } }, label);
    replaceChildren(
      shell.main,
      h(
        'div',
        { class: 'column' },
        section(
          'who',
          'Who you are',
          h('p', { class: 'hint' }, 'The engine checks that you may complete a task: type your user id and your groups.'),
          h('label', { class: 'form-row' }, h('span', {}, 'User'), els.user),
          h('label', { class: 'form-row' }, h('span', {}, 'Groups'), els.groups),
        ),
        section(
          'tasks',
          'Inbox',
          h('div', { class: 'inbox-head' }, els.inboxCount, h('label', { class: 'inline' }, els.allTasks, 'every open task')),
          els.inbox,
          els.taskForm,
        ),
      ),
      h(
        'div',
        { class: 'column' },
        section(
          'start',
          'Start a case',
          h(
            'form',
            { attrs: { id: 'start-form' }, on: { submit: (e: Event) => (e.preventDefault(), void this.startCase()) } },
            h('label', { class: 'form-row' }, h('span', {}, 'Process'), els.startProcess),
            els.startEventRow,
            h('label', { class: 'form-row' }, els.startKeyLabel, els.startKey),
            els.startFields,
            button('start-submit', 'Start case', 'primary'),
          ),
        ),
        section(
          'message',
          'Send a message',
          h(
            'form',
            { on: { submit: (e: Event) => (e.preventDefault(), void this.sendMessage()) } },
            h('label', { class: 'form-row' }, h('span', {}, 'Message name'), els.messageName, els.messageNames),
            h('label', { class: 'form-row' }, h('span', {}, 'Correlation key'), els.messageKey),
            h('label', { class: 'form-row' }, h('span', {}, 'Variables'), els.messageVariables),
            button('message-send', 'Send message'),
          ),
        ),
        section(
          'signal',
          'Broadcast a signal',
          h(
            'form',
            { on: { submit: (e: Event) => (e.preventDefault(), void this.sendSignal()) } },
            h('label', { class: 'form-row' }, h('span', {}, 'Signal name'), els.signalName, els.signalNames),
            h('label', { class: 'form-row' }, h('span', {}, 'Variables'), els.signalVariables),
            button('signal-send', 'Broadcast signal'),
          ),
        ),
        section(
          'deployed',
          'Deployed processes',
          h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, h('th', {}, 'Process'), h('th', {}, 'Version'), h('th', {}, 'Running'), h('th', {}, 'Completed'), h('th', {}, 'Breached'))), els.processes),
          h(
            'p',
            { class: 'hint' },
            'A diagram saved in the modeler runs once deployed: use Deploy there, or deploy every diagram of the folder here. New cases get the new version; running cases keep theirs.',
          ),
          h('button', { attrs: { id: 'deploy-all', type: 'button' }, on: { click: () => void this.deployAll() } }, 'Deploy the folder'),
        ),
      ),
      h('div', { class: 'column' }, section('live', 'Live', h('p', { class: 'hint' }, 'What the engine does, as it happens: new tasks, reminders and escalations (what an e-mail would say), finished cases.'), this.els.feed)),
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
    replaceChildren(els.startProcess, ...startable.map((p) => h('option', { attrs: { value: p.id } }, `${p.name ?? p.id} (v${p.version})`)));
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
    replaceChildren(els.startEvent, ...(process?.starts ?? []).map((s) => h('option', { attrs: { value: s.node } }, `${s.name ?? s.node}${s.kind === 'message' ? ` (message ${s.message})` : ''}`)));
    if (process?.starts.some((s) => s.node === previous)) els.startEvent.value = previous;
    els.startEventRow.hidden = (process?.starts.length ?? 0) < 2;
    const { start } = this.currentStart();
    els.startKeyLabel.textContent = start?.kind === 'message' ? `Correlation key of '${start.message}' (becomes the business key)` : 'Business key (optional)';
    this.startForm?.destroy();
    this.startForm = new FieldsForm(start?.form, 'start-form');
    replaceChildren(els.startFields, this.startForm.element);
  }

  private renderInbox(): void {
    const els = this.els;
    const now = this.shell.now();
    els.inboxCount.textContent = `${this.tasks.length} open task${this.tasks.length === 1 ? '' : 's'}`;
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
              h('div', { class: 'muted' }, `${task.processName ?? task.processId} · case `, h('a', { attrs: { href: this.client.pageUrl('monitor.html', `case=${encodeURIComponent(task.instanceId)}`) } }, task.businessKey ?? task.instanceId.slice(0, 8))),
              h('div', { class: 'muted' }, taskOwners(task), task.due !== undefined ? ` · due ${this.shell.format(task.due)}` : ''),
            ),
          )
        : [h('li', { class: 'none' }, this.els.allTasks.checked ? 'No open task.' : 'No task for you: type your user and groups above, or tick “every open task”.')]),
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
    this.taskForm = new FieldsForm(task.form, 'task-form');
    replaceChildren(
      form,
      h('h3', { attrs: { id: 'task-form-title' } }, `Complete “${task.name ?? task.node}”`),
      this.taskForm.element,
      h('div', { class: 'buttons' }, h('button', { class: 'primary', attrs: { id: 'task-complete', type: 'submit' } }, 'Complete task'), h('button', { attrs: { type: 'button' }, on: { click: () => this.selectTask(undefined) } }, 'Cancel')),
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
      this.shell.say(error instanceof FormError ? `Not sent: ${error.message}` : (error as Error).message, 'error');
    }
    await this.refresh();
  }

  private async completeTask(task: TaskView): Promise<void> {
    await this.act(async () => {
      const who = this.who();
      if (!who.user) throw new FormError('user', 'Type your user id under “Who you are” first: the engine checks who completes a task.');
      const variables = await this.taskForm!.values();
      await this.refusedOn(this.taskForm!, () => this.client.completeTask(task.id, { user: who.user!, groups: who.groups, variables }));
      this.selectTask(undefined);
      return `Completed “${task.name ?? task.node}” as ${who.user}.`;
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
      if (!process || !start) throw new FormError('process', 'No process to start: deploy a diagram first.');
      const variables = await this.startForm!.values();
      const key = this.els.startKey.value.trim();
      const form = this.startForm!;
      const { id } = await this.refusedOn(form, () => this.client.startCase({ processId: process.id, startNode: start.node, variables, ...(key ? { businessKey: key } : {}), ...(this.who().user ? { user: this.who().user } : {}) }));
      form.clear();
      this.els.startKey.value = '';
      return `Started case ${key || id} of ${process.name ?? process.id}.`;
    });
  }

  private async sendMessage(): Promise<void> {
    await this.act(async () => {
      const name = this.els.messageName.value.trim();
      if (!name) throw new FormError('name', 'Name the message.');
      const key = this.els.messageKey.value.trim();
      let variables: Record<string, unknown>;
      try {
        variables = parseVariables(this.els.messageVariables.value);
      } catch (error) {
        throw new FormError('variables', (error as Error).message);
      }
      const result = await this.client.correlate({ name, variables, ...(key ? { key } : {}), ...(this.who().user ? { user: this.who().user } : {}) });
      this.els.messageVariables.value = '';
      return `Message ${name}: delivered to ${result.correlated.length} waiting case(s), started ${result.started.length}.`;
    });
  }

  private async sendSignal(): Promise<void> {
    await this.act(async () => {
      const name = this.els.signalName.value.trim();
      if (!name) throw new FormError('name', 'Name the signal.');
      let variables: Record<string, unknown>;
      try {
        variables = parseVariables(this.els.signalVariables.value);
      } catch (error) {
        throw new FormError('variables', (error as Error).message);
      }
      await this.client.signal({ name, variables, ...(this.who().user ? { user: this.who().user } : {}) });
      return `Signal ${name} broadcast.`;
    });
  }

  private async deployAll(): Promise<void> {
    await this.act(async () => {
      const files = await this.client.deploy();
      const failed = files.filter((f) => f.error);
      if (failed.length) throw new Error(failed.map((f) => `${f.path}: ${f.error}`).join('\n'));
      return `Deployed ${files.flatMap((f) => f.processes.map((p) => `${p.id} v${p.version}${p.created ? '' : ' (unchanged)'}`)).join(', ')}.`;
    });
  }

  private addFeedItem(item: FeedItem): void {
    if (!item.notice) return;
    const link = item.instanceId ? h('a', { attrs: { href: this.client.pageUrl('monitor.html', `case=${encodeURIComponent(item.instanceId)}`) } }, 'case') : null;
    this.els.feed.prepend(
      h(
        'li',
        { class: `notice ${item.notice.level}`, attrs: { 'data-type': item.type, 'data-seq': String(item.seq), ...(item.node ? { 'data-node': item.node } : {}) } },
        h('time', {}, this.shell.format(item.time)),
        item.notice.to.length ? h('div', { class: 'to' }, `To: ${item.notice.to.join(', ')}`) : null,
        h('div', {}, item.notice.text, link ? ' ' : '', link),
      ),
    );
    while (this.els.feed.children.length > 200) this.els.feed.lastElementChild!.remove();
  }
}
