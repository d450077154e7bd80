import fs from 'node:fs';
import path from 'node:path';
import { openMvtec } from './mvtec.js';
import { tempDir, writeMvtecTree } from './testing/fixtures.test-util.js';

describe('openMvtec without ground_truth', () => {
  it('opens the category without masks (image-level only) instead of refusing its defect images', async () => {
    const root = tempDir('nomasks');
    const dir = await writeMvtecTree(root, 'part', { defects: { crack: 2 } });
    fs.rmSync(path.join(dir, 'ground_truth'), { recursive: true });
    const ds = await openMvtec(root, 'part', { validationFraction: 0 });
    try {
      expect(ds.hasMasks).toBe(false);
      const defects = ds.test.filter((t) => t.label === 1);
      expect(defects.map((t) => t.defect)).toEqual(['crack', 'crack']);
      expect(defects.every((t) => t.maskPath === undefined)).toBe(true);
      const [s] = await ds.loadAll(defects.slice(0, 1));
      expect(s.mask.every((v) => v === 0)).toBe(true);
    } finally {
      await ds.close();
    }
  });

  it('still needs every mask once a ground_truth folder exists', async () => {
    const root = tempDir('somemasks');
    const dir = await writeMvtecTree(root, 'part', { defects: { crack: 2 } });
    const masks = fs.readdirSync(path.join(dir, 'ground_truth', 'crack'));
    fs.rmSync(path.join(dir, 'ground_truth', 'crack', masks[0]));
    await expect(openMvtec(root, 'part')).rejects.toThrow(/no mask for this defect image/);
  });
});
