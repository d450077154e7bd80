// JSON.parse with two checks that files from elsewhere need. Nesting depth, counted before parsing: V8 parses
// 8 million nested arrays (16 MB of "[") into ~800 MB of objects, and printing them overflows the stack. Duplicate
// keys, found after parsing: JSON.parse keeps the last of two equal keys without a word, so {"w": A, "w": B} would
// give B here while another reader gives A.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x7b, 0x5b]);
const CLOSERS = new Set([0x7d, 0x5d]);

/** Deepest nesting of objects and arrays in `text`; safe on any text (an unterminated string just ends it). */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < text.length && text.charCodeAt(i) !== QUOTE; i++) if (text.charCodeAt(i) === BACKSLASH) i++;
    } else if (OPENERS.has(c)) deepest = Math.max(deepest, ++depth);
    else if (CLOSERS.has(c)) depth--;
  }
  return deepest;
}

/** The first key that appears twice in one object of the (already parsed, so valid) JSON `text`, at any depth. */
export function firstDuplicateKey(text: string): string | undefined {
  // One entry per open container: the keys seen so far for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      let escaped = false;
      for (let d = text.charCodeAt(j); d !== QUOTE; d = text.charCodeAt(j)) {
        if (d === BACKSLASH) {
          escaped = true;
          j++;
        }
        j++;
      }
      const keys = open[open.length - 1];
      if (expectKey && keys) {
        const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b) {
      open.push(new Set());
      expectKey = true;
    } else if (c === 0x5b) open.push(null);
    else if (CLOSERS.has(c)) open.pop();
    else if (c === 0x2c) expectKey = open[open.length - 1] !== null;
  }
  return undefined;
}

/** Parses `text`; throws an Error saying what is wrong ("not valid JSON (…)"; the caller adds the file name). */
export function parseStrictJson(text: string, maxDepth: number): unknown {
  const depth = nestingDepth(text);
  if (depth > maxDepth) throw new Error(`nests ${depth} levels deep (at most ${maxDepth})`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`not valid JSON (${(e as Error).message})`);
  }
  const twice = firstDuplicateKey(text);
  if (twice !== undefined) throw new Error(`has the key ${JSON.stringify(twice)} twice`);
  return value;
}
