/**
 * The wake-up channel between workers: one dedicated connection per store
 * that `LISTEN`s on the schema's channel and calls back when another store
 * (another worker) committed timers or jobs. It reconnects when the
 * connection drops (with backoff), checks it with a heartbeat, and calls
 * back once each time it is (re)established — a notification sent while it
 * was not listening is lost, so the callee should look for itself.
 * Bursts are coalesced: at most one call per `throttleMs`.
 */
import type pg from 'pg';
import { ident } from './sql.js';

/** How a {@link ChannelListener} connects and whom it calls. */
export interface ChannelListenerOptions {
  /** A new, unconnected client (one per attempt). */
  connect: () => pg.Client;
  channel: string;
  /** Notifications whose payload is this (our own commits) are ignored. */
  self: string;
  onWake: () => void;
  /** Coalescing window for bursts of notifications (default 20 ms). */
  throttleMs?: number;
  /** Reconnect backoff: first delay and ceiling (default 100 ms → 5 s). */
  retryMs?: { first: number; max: number };
  /** A `SELECT 1` on the listening connection this often finds a dead one (default 30 s). */
  heartbeatMs?: number;
}

/**
 * Listens on one channel until stopped. Effects: one connection, timers
 * (unref'd: they never keep the process alive).
 */
export class ChannelListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private delay: number;
  private lastWake = -Infinity;
  private pendingWake: ReturnType<typeof setTimeout> | undefined;
  /** Times the connection was established (tests and monitoring). */
  connections = 0;

  constructor(private readonly options: ChannelListenerOptions) {
    this.delay = options.retryMs?.first ?? 100;
  }

  /** Starts listening in the background. */
  start(): void {
    void this.open();
  }

  /** Stops listening and closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.pendingWake);
    clearInterval(this.heartbeat);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    const client = this.options.connect();
    this.client = client;
    let dropped = false;
    const drop = () => {
      if (dropped) return;
      dropped = true;
      clearInterval(this.heartbeat);
      if (this.client === client) this.client = undefined;
      client.end().catch(() => {});
      this.reconnectLater();
    };
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', (message) => {
      if (message.payload !== this.options.self) this.wake();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${ident(this.options.channel)}`);
    } catch {
      drop();
      return;
    }
    if (this.stopped || dropped) return;
    this.connections += 1;
    this.delay = this.options.retryMs?.first ?? 100;
    const every = this.options.heartbeatMs ?? 30_000;
    this.heartbeat = setInterval(() => {
      const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('heartbeat timeout')), Math.min(every, 10_000)).unref());
      Promise.race([client.query('SELECT 1'), timeout]).catch(drop);
    }, every);
    this.heartbeat.unref();
    this.wake();
  }

  private reconnectLater(): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.open(), this.delay);
    this.retryTimer.unref();
    this.delay = Math.min(this.delay * 2, this.options.retryMs?.max ?? 5_000);
  }

  private wake(): void {
    if (this.stopped || this.pendingWake) return;
    const throttle = this.options.throttleMs ?? 20;
    const wait = this.lastWake + throttle - Date.now();
    const call = () => {
      this.pendingWake = undefined;
      this.lastWake = Date.now();
      if (!this.stopped) this.options.onWake();
    };
    if (wait <= 0) call();
    else {
      this.pendingWake = setTimeout(call, wait);
      this.pendingWake.unref();
    }
  }
}
