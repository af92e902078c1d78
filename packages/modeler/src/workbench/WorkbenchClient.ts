/**
 * The views' calls to the workbench API (`sopflow start`): every call
 * carries the token from the page URL; refusals become {@link ApiError}s
 * with the server's message (which names the field in error).
 */
import type { FieldProblem } from '@sopflow/engine';
import type { Params } from '@sopflow/i18n';
import { ApiError } from '../api/ApiClient.js';
import { t, tr } from '../i18n/language.js';
import type { CaseDetail, CaseSummary, DeployedFile, FeedItem, HeatMap, ProcessSummary, Report, Status, TaskView } from './types.js';

/** The engine refused a form: every field in error, for the form to show on its fields. */
export class FormRefusedError extends ApiError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly fields: FieldProblem[],
  ) {
    super(status, code, message);
    this.name = 'FormRefusedError';
  }
}

/** Calls `/api/workbench/…` with the token. */
export class WorkbenchClient {
  constructor(readonly token: string) {}

  /** A client with the token of the page URL. @throws Error when the URL has none */
  static fromLocation(location: Location = window.location): WorkbenchClient {
    const token = new URLSearchParams(location.search).get('token');
    if (!token) throw new Error(t('workbench.no-token'));
    return new WorkbenchClient(token);
  }

  /** A page of the workbench, with the token (`run.html`, `monitor.html`, `` for the modeler). */
  pageUrl(page: '' | 'run.html' | 'monitor.html', hash = ''): string {
    return `/${page}?token=${encodeURIComponent(this.token)}${page === '' ? '&workbench=1' : ''}${hash ? `#${hash}` : ''}`;
  }

  /** The live feed as server-sent events from its first kept entry (the token in the URL: EventSource sends no headers). */
  streamUrl(): string {
    return `/api/workbench/stream?after=0&token=${encodeURIComponent(this.token)}`;
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
    const response = await fetch(`/api/workbench/${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      cache: 'no-store',
      credentials: 'omit',
    });
    if (response.ok) return response;
    let reply: { error?: string; message?: string; params?: Params; fields?: FieldProblem[] } = {};
    try {
      reply = await response.json();
    } catch {
      // not JSON: keep the status
    }
    // An engine refusal in the page's language, from its code and values (the server's English otherwise).
    const message = reply.message !== undefined ? tr.message({ code: reply.error ?? '', params: reply.params, message: reply.message }) : `${method} ${path}: ${response.status} ${response.statusText}`;
    if (Array.isArray(reply.fields)) throw new FormRefusedError(response.status, reply.error ?? 'error', message, reply.fields);
    throw new ApiError(response.status, reply.error ?? 'error', message);
  }

  private async json<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return (await this.call(method, path, body)).json() as Promise<T>;
  }

  status(): Promise<Status> {
    return this.json('GET', 'status');
  }

  /** Deploys one diagram of the folder, or all of them. */
  async deploy(path?: string): Promise<DeployedFile[]> {
    return (await this.json<{ files: DeployedFile[] }>('POST', 'deploy', path ? { path } : {})).files;
  }

  async processes(): Promise<ProcessSummary[]> {
    return (await this.json<{ processes: ProcessSummary[] }>('GET', 'processes')).processes;
  }

  /** The XML of a deployment (`processId:version`). */
  async deploymentXml(key: string): Promise<string> {
    return (await this.call('GET', `deployments/${encodeURIComponent(key)}`)).text();
  }

  startCase(input: { processId: string; startNode?: string; businessKey?: string; variables: Record<string, unknown>; user?: string }): Promise<{ id: string }> {
    return this.json('POST', 'instances', input);
  }

  cases(query: { process?: string; status?: string; limit?: number } = {}): Promise<{ items: CaseSummary[]; total: number }> {
    const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)]));
    return this.json('GET', `instances?${params}`);
  }

  caseDetail(id: string): Promise<CaseDetail> {
    return this.json('GET', `instances/${encodeURIComponent(id)}`);
  }

  /** Open tasks for a user and their groups (neither: every open task). */
  async tasks(who: { user?: string; groups?: string[] } = {}): Promise<TaskView[]> {
    const params = new URLSearchParams();
    if (who.user) params.set('user', who.user);
    if (who.groups?.length) params.set('groups', who.groups.join(','));
    return (await this.json<{ tasks: TaskView[] }>('GET', `tasks?${params}`)).tasks;
  }

  completeTask(taskId: string, input: { user: string; groups: string[]; variables: Record<string, unknown> }): Promise<unknown> {
    return this.json('POST', `tasks/${encodeURIComponent(taskId)}/complete`, input);
  }

  correlate(input: { name: string; key?: string; variables: Record<string, unknown>; user?: string }): Promise<{ correlated: string[]; started: string[] }> {
    return this.json('POST', 'messages', input);
  }

  signal(input: { name: string; variables: Record<string, unknown>; user?: string }): Promise<unknown> {
    return this.json('POST', 'signals', input);
  }

  heatMap(processId: string): Promise<HeatMap> {
    return this.json('GET', `heatmap?process=${encodeURIComponent(processId)}`);
  }

  report(query: { process?: string; from?: number; to?: number } = {}): Promise<Report> {
    const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)]));
    return this.json('GET', `report?${params}`);
  }

  async feed(after = 0): Promise<{ items: FeedItem[]; last: number }> {
    return this.json('GET', `feed?after=${after}`);
  }
}
