/**
 * Strongly connected components of a directed graph (Tarjan's algorithm, iterative so
 * that a long chain of markings cannot overflow the stack). `comp[v]` numbers the
 * component of vertex v; components are numbered in reverse topological order. Pure.
 */
export function stronglyConnected(edges: readonly (readonly number[])[]): { comp: Int32Array; count: number } {
  const n = edges.length;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const callVertex: number[] = [];
  const callEdge: number[] = [];
  let counter = 0;
  let count = 0;
  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    callVertex.push(root);
    callEdge.push(0);
    while (callVertex.length) {
      const top = callVertex.length - 1;
      const v = callVertex[top];
      if (callEdge[top] < edges[v].length) {
        const w = edges[v][callEdge[top]++];
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          callVertex.push(w);
          callEdge.push(0);
        } else if (onStack[w] && order[w] < low[v]) {
          low[v] = order[w];
        }
        continue;
      }
      callVertex.pop();
      callEdge.pop();
      if (low[v] === order[v]) {
        for (;;) {
          const w = stack.pop()!;
          onStack[w] = 0;
          comp[w] = count;
          if (w === v) break;
        }
        count++;
      }
      if (callVertex.length) {
        const u = callVertex[callVertex.length - 1];
        if (low[v] < low[u]) low[u] = low[v];
      }
    }
  }
  return { comp, count };
}

/**
 * Bottom components that are cycles: no edge leaves them, every vertex in them is
 * `closed` (all its edges are known), and they hold more than one vertex or a self-loop.
 * Returns each as its list of vertices, smallest first. Pure.
 */
export function closedCycles(edges: readonly (readonly number[])[], closed: readonly boolean[]): number[][] {
  const { comp, count } = stronglyConnected(edges);
  const members: number[][] = Array.from({ length: count }, () => []);
  for (let v = 0; v < edges.length; v++) members[comp[v]].push(v);
  const out: number[][] = [];
  for (const vertices of members) {
    const c = comp[vertices[0]];
    let bottom = true;
    let cyclic = vertices.length > 1;
    for (const v of vertices) {
      if (!closed[v]) bottom = false;
      for (const w of edges[v]) {
        if (comp[w] !== c) bottom = false;
        if (w === v) cyclic = true;
      }
      if (!bottom) break;
    }
    if (bottom && cyclic) out.push(vertices);
  }
  return out.sort((a, b) => a[0] - b[0]);
}
