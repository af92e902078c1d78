/**
 * Runs the soundness check off the page's thread: receives `{ id, xml }`,
 * answers `{ id, result }` or `{ id, failure }`.
 */
import { checkDiagram } from './checkDiagram.js';

interface WorkerScope {
  onmessage: ((event: MessageEvent<{ id: number; xml: string }>) => void) | null;
  postMessage(message: unknown): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = async (event) => {
  const { id, xml } = event.data;
  try {
    scope.postMessage({ id, result: await checkDiagram(xml) });
  } catch (error) {
    scope.postMessage({ id, failure: error instanceof Error ? error.message : String(error) });
  }
};
