// Small DOM helpers shared by the views.
import type { PixelImage } from '@ssad/augment';
import { toRgba } from '@ssad/viz';
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page: element #${id} is missing`);
  return el as T;
}

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children);
  return el;
}

export function showMessage(el: HTMLElement, message: string | undefined): void {
  el.textContent = message ?? '';
  el.hidden = !message;
}

/** Saves `text` as the file `name`, through a link to a blob: URL. */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  element('a', { href: url, download: name }).click();
  // The browser reads the blob after click() returns: revoked at once, the download could find it gone.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Files from a file input (cleared afterwards, so choosing the same file again fires again) or a drop zone. */
export function onFiles(input: HTMLInputElement, drop: HTMLElement, handle: (files: File[]) => void): void {
  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])];
    input.value = '';
    if (files.length) handle(files);
  });
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('dragging');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('dragging');
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length) handle(files);
  });
}

/** A canvas with `image`'s pixels (any channel count). */
export function canvasOf(image: PixelImage, className?: string): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  if (className) canvas.className = className;
  const rgba = image.channels === 4 && image.data instanceof Uint8ClampedArray ? image.data : toRgba(image);
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(rgba), image.width, image.height), 0, 0);
  return canvas;
}

/** A score for reading: 3 decimals, 1 from 100 on, exponent notation past a million or below 0.001. */
export function fmt(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6 || (a < 1e-3 && v !== 0)) return v.toExponential(3);
  return v.toFixed(a >= 100 ? 1 : 3);
}
