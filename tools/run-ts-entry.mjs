// Runs an app's TypeScript entry through tsx with the workspace's path mapping (@ssad/* → libs/*/src), for the
// apps' bin commands. In this same process rather than a child: SIGINT and SIGTERM sent to the command's PID (a
// terminal, `timeout`, systemd, a job runner) reach the app itself, which stops after the current step with a
// checkpoint (a queue worker gives its job back), and no launcher is left behind, or leaves the app behind, when
// one is killed.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function runTsEntry(entry) {
  // Before anything can load libtensorflow: it reads the level once, when its logging starts. (Its first lines,
  // the absl notice and the oneDNN banner, come from a static initializer before that and are not affected.)
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  register({ tsconfig: path.join(root, 'tsconfig.base.json') });
  await import(pathToFileURL(entry).href);
}
