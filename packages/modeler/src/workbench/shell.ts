/**
 * What every workbench view has: the top bar (brand, the three views, the
 * engine's time, whether the live feed is connected), the page area and
 * the status line. Time is shown in the workbench's zone; with a sped-up
 * clock it moves on between refreshes as the engine's does.
 */
import { h, replaceChildren } from '../app/dom.js';
import { formatTime, t } from '../i18n/language.js';
import { languageSwitch } from '../i18n/languageSwitch.js';
import type { Status } from './types.js';
import type { WorkbenchClient } from './WorkbenchClient.js';

export type View = 'run' | 'monitor' | 'modeler';

/** Links to the three views, carrying the token; the current one marked. */
export function viewLinks(client: WorkbenchClient, active: View): HTMLElement {
  const link = (view: View, page: '' | 'run.html' | 'monitor.html') =>
    h('a', { class: `view-link${view === active ? ' active' : ''}`, attrs: { id: `nav-${view}`, href: client.pageUrl(page), ...(view === active ? { 'aria-current': 'page' } : {}) } }, t(`workbench.view.${view}`));
  return h('nav', { class: 'views', attrs: { 'aria-label': t('workbench.views') } }, link('run', 'run.html'), link('monitor', 'monitor.html'), link('modeler', ''));
}

/** How the speed reads: `real time`, `60× faster`, `moves only when told`. Pure. */
export function speedText(speed: number): string {
  if (speed === 0) return t('workbench.speed.manual');
  if (speed === 1) return t('workbench.speed.real');
  return t('workbench.speed.faster', { speed });
}

/** The engine's time now, from a status read at `readAt` (real ms). Pure. */
export function engineNow(status: Pick<Status, 'now' | 'speed'>, readAt: number, realNow: number): number {
  return status.now + Math.max(0, realNow - readAt) * status.speed;
}

/** The page frame of a workbench view. */
export class Shell {
  /** Where the view puts its content. */
  readonly main: HTMLElement;
  private readonly time = h('span', { class: 'engine-time', attrs: { id: 'engine-time' } }, '—');
  private readonly speed = h('span', { class: 'engine-speed', attrs: { id: 'engine-speed' } });
  private readonly live = h('span', { class: 'live', attrs: { id: 'live', 'data-state': 'connecting' }, title: t('workbench.live.title') }, t('workbench.live'));
  private readonly statusLine = h('div', { class: 'status', attrs: { id: 'status', role: 'status' } });
  private status: Status | undefined;
  private readAt = 0;

  constructor(root: HTMLElement, client: WorkbenchClient, view: View) {
    this.main = h('main', { class: `wb-main wb-${view}` });
    replaceChildren(
      root,
      h('header', { class: 'toolbar wb-toolbar' }, h('span', { class: 'brand' }, 'sopflow'), viewLinks(client, view), h('span', { class: 'spacer' }), h('span', { class: 'wb-clock' }, `${t('workbench.engine-time')} `, this.time, ' ', this.speed), this.live, languageSwitch()),
      this.main,
      this.statusLine,
    );
    setInterval(() => this.tick(), 1000);
  }

  /** The zone times are shown in (the workbench's), once the status is known. */
  get zone(): string {
    return this.status?.zone ?? 'UTC';
  }

  /** Formats an instant in the workbench's zone, in the page's language (`Mon 2026-11-23 10:30` / `2026年11月23日 星期一 10:30`). */
  format(ms: number): string {
    return formatTime(ms, this.zone);
  }

  /** The engine's time now, as far as the page knows. */
  now(): number {
    return this.status ? engineNow(this.status, this.readAt, Date.now()) : Date.now();
  }

  /** Takes a fresh status (engine time, speed, zone). */
  setStatus(status: Status): void {
    this.status = status;
    this.readAt = Date.now();
    this.speed.textContent = t('workbench.speed', { zone: status.zone, speed: speedText(status.speed) });
    this.tick();
  }

  /** Shows whether the live feed is connected. */
  setLive(state: 'connecting' | 'open' | 'closed'): void {
    this.live.dataset.state = state;
    this.live.title = t(`workbench.live.${state}`);
  }

  /** A message in the status line. */
  say(text: string, kind: 'info' | 'error' = 'info'): void {
    this.statusLine.textContent = text;
    this.statusLine.className = `status ${kind}`;
  }

  private tick(): void {
    if (!this.status) return;
    const now = this.now();
    this.time.textContent = this.format(now);
    this.time.dataset.now = String(now);
  }
}
