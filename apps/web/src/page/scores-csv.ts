// The images table as CSV (what "Download CSV" saves): one line per scored image, in the table's order, with the
// values the table shows at the threshold in use — kept at full precision, since the file is for further analysis.
// RFC 4180: CRLF line ends, and a field with a comma, quote or line break quoted with its quotes doubled (file
// names may have any of them). A file name starting with = + - @ (or a tab or carriage return) gets a leading ' so
// that a spreadsheet shows it as text instead of running it as a formula (OWASP's CSV-injection advice): the names
// come from whoever supplied the images.

export interface CsvRow {
  name: string;
  /** The detector's chosen image score. */
  score: number;
  /** 0–1, 0.5 at the threshold. */
  normalized: number;
  anomalous: boolean;
  /** Every image score the detector has. */
  scores: { gaussian: number; patch?: number; fused?: number };
}

/** Scores only some detectors have (every one has a Gaussian score). */
const OPTIONAL_KINDS = ['patch', 'fused'] as const;

/** A name as spreadsheet-safe text. */
function text(name: string): string {
  return /^[=+\-@\t\r]/.test(name) ? `'${name}` : name;
}

function field(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV text; a patch or fused column only when some row has that score. */
export function scoresCsv(rows: readonly CsvRow[], threshold: number): string {
  const kinds = ['gaussian' as const, ...OPTIONAL_KINDS.filter((k) => rows.some((r) => r.scores[k] !== undefined))];
  const header = ['image', 'score', 'normalized_score', 'verdict', 'threshold', ...kinds];
  const lines = rows.map((r) => [text(r.name), r.score, r.normalized, r.anomalous ? 'anomalous' : 'normal', threshold, ...kinds.map((k) => r.scores[k] ?? '')]);
  return [header, ...lines].map((line) => `${line.map(field).join(',')}\r\n`).join('');
}
