/**
 * Shows the whole diagram, clear of the palette on the left, never larger
 * than its real size.
 */

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface CanvasLike {
  viewbox(box?: Box): Box & { inner: Box; outer: { width: number; height: number } };
}

/** Space kept free around the diagram (screen px). */
const MARGIN = 24;

/** Zooms and scrolls so that the diagram fits beside the palette (`left`: its right edge, in px from the canvas's left). */
export function fitDiagram(canvas: CanvasLike, left: number): void {
  const { inner, outer } = canvas.viewbox();
  if (!inner.width || !inner.height || !outer.width || !outer.height) return;
  const zoom = Math.min(1, (outer.width - left - 2 * MARGIN) / inner.width, (outer.height - 2 * MARGIN) / inner.height);
  canvas.viewbox({ x: inner.x - (left + MARGIN) / zoom, y: inner.y - MARGIN / zoom, width: outer.width / zoom, height: outer.height / zoom });
}
