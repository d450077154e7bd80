// Runs an app's TypeScript entry through tsx with the workspace's path mapping (@ssad/* → libs/*/src), for the
// apps' bin commands. In this same process rather than a child: Ctrl-C and SIGTERM then reach the app itself (a
// queue worker gives its job back), and no launcher is left behind, or leaves the app behind, when one is killed.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function runTsEntry(entry) {
  register({ tsconfig: path.join(root, 'tsconfig.base.json') });
  await import(pathToFileURL(entry).href);
}
