/**
 * The workbench's live feed in a page: server-sent events from
 * `/api/workbench/stream` (reconnecting by itself, resuming after the last
 * entry seen), with a polling fallback when the stream cannot open.
 */
import type { FeedItem } from './types.js';
import type { WorkbenchClient } from './WorkbenchClient.js';

/** Follows the feed: `onItem` for every entry (once, in order), `onState` when the connection changes. */
export function followFeed(client: WorkbenchClient, handlers: { onItem: (item: FeedItem) => void; onState?: (state: 'connecting' | 'open' | 'closed') => void }): () => void {
  let last = 0;
  const deliver = (item: FeedItem) => {
    if (item.seq <= last) return;
    last = item.seq;
    handlers.onItem(item);
  };
  const source = new EventSource(client.streamUrl());
  handlers.onState?.('connecting');
  source.addEventListener('open', () => handlers.onState?.('open'));
  source.addEventListener('error', () => handlers.onState?.(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting'));
  source.addEventListener('feed', (event) => deliver(JSON.parse((event as MessageEvent<string>).data) as FeedItem));
  // If the stream is down (a proxy that buffers it), the feed is polled instead.
  const poll = setInterval(() => {
    if (source.readyState === EventSource.OPEN) return;
    void client.feed(last).then(({ items }) => items.forEach(deliver), () => {});
  }, 5000);
  return () => {
    clearInterval(poll);
    source.close();
  };
}

/** Calls `fn` at most once per `ms`, after the last call (a burst of events: one refresh). */
export function debounce(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
}
