// Getting a scoring bundle's files into the page — picked files (a folder or several files, or dropped) or a URL
// (`?detector=`, what `web:serve` prints) — as bytes for the scoring worker, whose ScoringBundle.fromFiles checks
// everything as Node's readBundle does. Before any file is read whole, bundle.json's listed sizes are compared with
// the files (a picked file's size, a download's length as it arrives), so a wrong or hostile file costs at most its
// listed size and a broken one is named, never waited on. (Only the manifest's parsing runs here; no tfjs.)
import { BUNDLE_MANIFEST, DETECTOR_FILES, MAX_BUNDLE_MANIFEST_BYTES, parseBundleManifest, type BundleManifest } from '@ssad/models';

/** A bundle's files by name (bundle.json and every file it lists, sizes checked), for ScoringBundle.fromFiles. */
export interface BundleBytes {
  files: Map<string, Uint8Array>;
  /** Goes before file names in messages: the folder or URL they came from. */
  prefix: string;
}

const FETCH_TIMEOUT_MS = 60_000;

const NOT_A_BUNDLE = 'choose the folder `ssad export` writes (bundle.json, detector.json, *.safetensors)';
const DETECTOR_NOT_BUNDLE =
  'a detector folder (detector.json, no bundle.json), not a scoring bundle: export it first (`ssad export --detector <run> --out <dir>`), or let `nx run web:serve -- --detector <run>` do it';

/** The manifest's text → checked manifest (the size limit first). */
function manifestOf(bytes: Uint8Array, label: string): BundleManifest {
  if (bytes.length > MAX_BUNDLE_MANIFEST_BYTES) throw new Error(`${label}: ${bytes.length} bytes, more than a bundle manifest's ${MAX_BUNDLE_MANIFEST_BYTES}`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${label}: not valid UTF-8`);
  }
  return parseBundleManifest(text, label);
}

/** A bundle from files the user picked or dropped (matched by name; folders' paths are ignored). */
export async function bundleFromFiles(picked: readonly File[]): Promise<BundleBytes> {
  const byName = new Map<string, File>();
  for (const f of picked) byName.set(f.name, f);
  const folder = picked[0]?.webkitRelativePath.split('/')[0] || 'the chosen files';
  const manifestFile = byName.get(BUNDLE_MANIFEST);
  if (!manifestFile) {
    if (byName.has(DETECTOR_FILES.manifest)) throw new Error(`${folder}: ${DETECTOR_NOT_BUNDLE}`);
    throw new Error(`${folder}: no ${BUNDLE_MANIFEST} among ${picked.length} file(s); ${NOT_A_BUNDLE}`);
  }
  const prefix = `${folder}/`;
  if (manifestFile.size > MAX_BUNDLE_MANIFEST_BYTES) throw new Error(`${prefix}${BUNDLE_MANIFEST}: ${manifestFile.size} bytes, more than a bundle manifest's ${MAX_BUNDLE_MANIFEST_BYTES}`);
  const manifestBytes = new Uint8Array(await manifestFile.arrayBuffer());
  const manifest = manifestOf(manifestBytes, `${prefix}${BUNDLE_MANIFEST}`);
  const files = new Map([[BUNDLE_MANIFEST, manifestBytes]]);
  for (const [name, { bytes }] of Object.entries(manifest.files)) {
    const f = byName.get(name);
    if (!f) throw new Error(`${prefix}${name}: missing (${BUNDLE_MANIFEST} lists it); choose all the bundle's files`);
    if (f.size !== bytes) throw new Error(`${prefix}${name}: ${f.size} bytes, ${BUNDLE_MANIFEST} says ${bytes} (a truncated or altered file)`);
    files.set(name, new Uint8Array(await f.arrayBuffer()));
  }
  return { files, prefix };
}

/** Downloads `url` but refuses it, unread, beyond `maxBytes`; a stalled server ends in a timeout error. */
async function fetchBytes(url: string, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal, cache: 'no-cache' });
  } catch (e) {
    throw new Error(`${url}: ${signal.aborted ? `no answer within ${FETCH_TIMEOUT_MS / 1000} s` : `cannot be fetched (${(e as Error).message})`}`);
  }
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`.trim());
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw new Error(`${url}: ${declared} bytes, more than the ${maxBytes} expected`);
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read().catch((e: Error) => {
      throw new Error(`${url}: ${signal.aborted ? `no answer within ${FETCH_TIMEOUT_MS / 1000} s` : `download failed (${e.message})`}`);
    });
    if (done) break;
    length += value.length;
    if (length > maxBytes) {
      await reader.cancel();
      throw new Error(`${url}: more than the ${maxBytes} bytes expected`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A bundle served at `base` (a folder URL: `base` + bundle.json, then the files it lists). */
export async function bundleFromUrl(base: string): Promise<BundleBytes> {
  const folder = new URL(base.endsWith('/') ? base : `${base}/`, location.href).href;
  const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
  let manifestBytes: Uint8Array;
  try {
    manifestBytes = await fetchBytes(new URL(BUNDLE_MANIFEST, folder).href, MAX_BUNDLE_MANIFEST_BYTES, signal);
  } catch (e) {
    throw new Error(`${(e as Error).message}; is ${folder} a scoring bundle? ${NOT_A_BUNDLE}`);
  }
  const manifest = manifestOf(manifestBytes, `${folder}${BUNDLE_MANIFEST}`);
  const files = new Map([[BUNDLE_MANIFEST, manifestBytes]]);
  for (const [name, { bytes }] of Object.entries(manifest.files)) files.set(name, await fetchBytes(new URL(name, folder).href, bytes, signal));
  return { files, prefix: folder };
}
