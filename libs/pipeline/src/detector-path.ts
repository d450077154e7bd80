// `--detector` accepts the detector folder itself or the run folder around it, and says which it is when it is
// neither.
import fs from 'node:fs';
import path from 'node:path';
import { DETECTOR_FILES } from '@ssad/models';
import { RUN_FILES } from './run-folder.js';

const isDetector = (dir: string) => fs.existsSync(path.join(dir, DETECTOR_FILES.manifest));

/** The detector folder for `dir`: `dir` itself when it holds detector.json, else its `detector` sub-folder. */
export function resolveDetectorDir(dir: string): string {
  if (!fs.existsSync(dir)) throw new Error(`${dir}: does not exist (expected a detector folder or a run folder holding detector/)`);
  if (isDetector(dir)) return dir;
  const inner = path.join(dir, RUN_FILES.detector);
  if (isDetector(inner)) return inner;
  if (fs.existsSync(inner)) throw new Error(`${dir}: not a detector folder (no ${DETECTOR_FILES.manifest}); did you mean ${inner}? It has no ${DETECTOR_FILES.manifest} either (an unfinished run?)`);
  throw new Error(`${dir}: not a detector folder (no ${DETECTOR_FILES.manifest}) and not a run folder (no ${RUN_FILES.detector}/)`);
}
