/**
 * Export of the diagram as SVG (bpmn-js's own) and as PNG (that SVG drawn
 * on a canvas at twice the size), downloaded with the diagram's name.
 */

interface SvgSource {
  saveSVG(): Promise<{ svg: string }>;
}

function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The diagram as an SVG file. */
export async function svgBlob(modeler: SvgSource): Promise<Blob> {
  const { svg } = await modeler.saveSVG();
  return new Blob([svg], { type: 'image/svg+xml' });
}

/** The diagram as a PNG file, on white, at `scale` times its size. */
export async function pngBlob(modeler: SvgSource, scale = 2): Promise<Blob> {
  const svg = await svgBlob(modeler);
  const url = URL.createObjectURL(svg);
  try {
    const image = new Image();
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('The diagram could not be drawn as an image.'));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.ceil(image.width * scale));
    canvas.height = Math.max(1, Math.ceil(image.height * scale));
    const context = canvas.getContext('2d');
    if (!context) throw new Error('This browser cannot draw PNG images.');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG export failed.'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Downloads the diagram as `<name>.svg`. */
export async function exportSvg(modeler: SvgSource, name: string): Promise<void> {
  download(await svgBlob(modeler), `${name}.svg`);
}

/** Downloads the diagram as `<name>.png`. */
export async function exportPng(modeler: SvgSource, name: string): Promise<void> {
  download(await pngBlob(modeler), `${name}.png`);
}
