// The pretext task view: @ssad/augment's sampler — the code that makes the trainer's batches — on one image,
// forced to each class in turn (normal, polygon CutPaste, scar), with the mask of the pixels each transform
// replaced. The same seed always draws the same samples. Drawn only while the view is shown: its 24 canvases held
// the page's thread for about 0.1 s (64 px samples, here) each time the detector view selected an image.
import { pretextSample, Rng, type PixelImage } from '@ssad/augment';
import { decodeImageFile, fitToInput } from './decode.js';
import { byId, canvasOf, element, onFiles, showMessage } from './dom.js';
import { withOutline } from './draw.js';

const ROWS: readonly { label: string; weights: number[] }[] = [
  { label: 'normal (0)', weights: [1, 0, 0] },
  { label: 'polygon CutPaste (1)', weights: [0, 1, 0] },
  { label: 'scar (2)', weights: [0, 0, 1] },
];
const PER_ROW = 4;

export class PretextView {
  private image?: PixelImage;
  private name = '';
  /** Own image chosen here (else the detector view's selected image is used). */
  private own = false;
  private size = 256;
  private visible = false;
  /** The samples shown are not those of the current image, size or seed. */
  private stale = false;
  private readonly seed = byId<HTMLInputElement>('pretext-seed');
  private readonly status = byId('pretext-status');

  constructor() {
    onFiles(byId('pretext-file'), byId('pretext-drop'), async ([file]) => {
      try {
        this.set(await decodeImageFile(file, file.name), file.name, true);
      } catch (e) {
        showMessage(this.status, (e as Error).message);
      }
    });
    this.seed.addEventListener('change', () => this.render());
    byId('pretext-reseed').addEventListener('click', () => {
      this.seed.value = String(Math.trunc(Number(this.seed.value) || 0) + 1);
      this.render();
    });
  }

  /** The view was shown or hidden; shown, it draws what changed meanwhile. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.stale) this.render();
  }

  /** The training size of the loaded detector (samples are drawn at the size the trainer drew them). */
  setSize(size: number): void {
    this.size = size;
    if (this.image) this.render();
  }

  /** An image from elsewhere (the detector view), used unless one was chosen here. */
  offer(image: PixelImage, name: string): void {
    if (!this.own) this.set(image, name, false);
  }

  private set(image: PixelImage, name: string, own: boolean): void {
    this.image = image;
    this.name = name;
    this.own = own;
    this.render();
  }

  private render(): void {
    if (!this.image) return;
    this.stale = !this.visible;
    if (this.stale) return;
    const seed = Math.trunc(Number(this.seed.value) || 0);
    const input = fitToInput(this.image, this.size, this.size, 'squash');
    const rng = new Rng(seed);
    const cells: HTMLElement[] = [];
    for (const row of ROWS) {
      cells.push(element('figcaption', { textContent: row.label }));
      for (let i = 0; i < PER_ROW; i++) {
        const s = pretextSample(input, rng, { weights: row.weights });
        const mask = canvasOf({ width: s.image.width, height: s.image.height, channels: 1, data: s.mask.map((v) => v * 255) }, 'mask');
        cells.push(element('figure', {}, canvasOf(withOutline(s.image, s.mask)), mask));
      }
    }
    byId('pretext-grid').replaceChildren(...cells);
    this.status.textContent = `${this.name} at ${this.size}×${this.size} px, seed ${seed}: each row forces one class of the sampler; magenta outlines and the small masks mark the replaced pixels.`;
  }
}
