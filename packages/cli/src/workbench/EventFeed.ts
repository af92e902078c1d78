/**
 * The workbench's live feed: the engine's events (and the workbench's own,
 * such as a deployment) numbered and kept in a bounded ring, for the views
 * to poll (`after`) or to follow as server-sent events. In memory only: the
 * audit trail is the durable record.
 */
import type { ServerResponse } from 'node:http';
import type { EngineEvent } from '@sopflow/engine';
import { API_CSP, setCommonHeaders } from '../server/http.js';
import { describeEvent, noticeRef, type Notice, type NoticeRef } from './describeEvent.js';

/** One entry of the feed. */
export interface FeedItem {
  /** 1, 2, 3… in the order the workbench saw them. */
  seq: number;
  /** An engine event type, or `workbench.deployed`. */
  type: string;
  /** Engine time. */
  time: number;
  instanceId?: string;
  processId?: string;
  businessKey?: string;
  node?: string;
  nodeName?: string;
  /** What it says to people, when the feed shows it. */
  notice?: Notice;
  /** The notice's text as a message id and values, for pages in another language. */
  ref?: NoticeRef;
}

/** Default number of entries kept. */
export const FEED_SIZE = 500;

/** How often an idle event stream gets a comment, so proxies and browsers keep it open. */
const HEARTBEAT_MS = 15_000;

/** A bounded, numbered event feed with server-sent-event subscribers. */
export class EventFeed {
  private items: FeedItem[] = [];
  private seq = 0;
  private readonly streams = new Set<ServerResponse>();
  private heartbeat: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly format: (ms: number) => string,
    private readonly size = FEED_SIZE,
  ) {}

  /** Adds an engine event (after its step was committed). */
  addEngineEvent(event: EngineEvent): FeedItem {
    const notice = describeEvent(event, this.format);
    const ref = notice ? noticeRef(event) : undefined;
    return this.add({
      type: event.type,
      time: event.time,
      ...(event.instanceId ? { instanceId: event.instanceId } : {}),
      ...(event.processId ? { processId: event.processId } : {}),
      ...(event.businessKey !== undefined ? { businessKey: event.businessKey } : {}),
      ...(event.node ? { node: event.node } : {}),
      ...(event.nodeName ? { nodeName: event.nodeName } : {}),
      ...(notice ? { notice } : {}),
      ...(ref ? { ref } : {}),
    });
  }

  /** Adds an entry of the workbench's own (numbered here). */
  add(item: Omit<FeedItem, 'seq'>): FeedItem {
    const entry = { seq: ++this.seq, ...item };
    this.items.push(entry);
    if (this.items.length > this.size) this.items.splice(0, this.items.length - this.size);
    const frame = `id: ${entry.seq}\nevent: feed\ndata: ${JSON.stringify(entry)}\n\n`;
    for (const res of this.streams) res.write(frame);
    return entry;
  }

  /** Entries after `seq` (all kept ones for 0), oldest first. */
  since(seq = 0): FeedItem[] {
    return this.items.filter((item) => item.seq > seq);
  }

  /** The last number given out. */
  get last(): number {
    return this.seq;
  }

  /**
   * Turns a response into an event stream: replays what came after
   * `lastSeen` (the browser's `Last-Event-ID` on reconnect), then sends every
   * new entry as it comes. The stream ends when the client goes or on {@link close}.
   */
  stream(res: ServerResponse, lastSeen = this.seq): void {
    setCommonHeaders(res, API_CSP);
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(`retry: 2000\n\n`);
    for (const item of this.since(lastSeen)) res.write(`id: ${item.seq}\nevent: feed\ndata: ${JSON.stringify(item)}\n\n`);
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
    this.heartbeat ??= setInterval(() => {
      for (const stream of this.streams) stream.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref?.();
  }

  /** Ends every open stream. */
  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const res of this.streams) res.end();
    this.streams.clear();
  }
}
