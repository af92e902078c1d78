/**
 * A binary min-heap ordered by (due, insertion order), with lazy deletion: removing or
 * moving an entry just bumps its generation; stale heap entries are skipped
 * on pop. O(log n) per operation; used for due timers and jobs.
 */
export class DueHeap {
  private heap: Array<{ due: number; id: string; gen: number }> = [];
  private readonly live = new Map<string, { due: number; gen: number }>();
  private generation = 0;

  get size(): number {
    return this.live.size;
  }

  set(id: string, due: number): void {
    const gen = ++this.generation;
    this.live.set(id, { due, gen });
    this.heap.push({ due, id, gen });
    this.up(this.heap.length - 1);
  }

  delete(id: string): void {
    this.live.delete(id);
  }

  /** The earliest live entry without removing it. */
  peek(): { due: number; id: string } | undefined {
    this.prune();
    const top = this.heap[0];
    return top ? { due: top.due, id: top.id } : undefined;
  }

  /** Live entries with due ≤ `until`, earliest first, at most `limit`; they stay in the heap. */
  takeDue(until: number, limit: number, accept: (id: string) => boolean): string[] {
    const out: string[] = [];
    const putBack: Array<{ due: number; id: string; gen: number }> = [];
    while (out.length < limit) {
      this.prune();
      const top = this.heap[0];
      if (!top || top.due > until) break;
      this.pop();
      putBack.push(top);
      if (accept(top.id)) out.push(top.id);
    }
    for (const entry of putBack) {
      this.heap.push(entry);
      this.up(this.heap.length - 1);
    }
    return out;
  }

  private isStale(entry: { id: string; gen: number }): boolean {
    return this.live.get(entry.id)?.gen !== entry.gen;
  }

  private prune(): void {
    while (this.heap.length && this.isStale(this.heap[0])) this.pop();
  }

  private pop(): void {
    const last = this.heap.pop()!;
    if (this.heap.length) {
      this.heap[0] = last;
      this.down(0);
    }
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a];
    const y = this.heap[b];
    return x.due < y.due || (x.due === y.due && x.gen < y.gen);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      [this.heap[i], this.heap[parent]] = [this.heap[parent], this.heap[i]];
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.heap.length && this.less(l, m)) m = l;
      if (r < this.heap.length && this.less(r, m)) m = r;
      if (m === i) return;
      [this.heap[i], this.heap[m]] = [this.heap[m], this.heap[i]];
      i = m;
    }
  }
}
