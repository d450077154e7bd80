// The CSV export of the images table (the download itself is checked by the e2e test).
import { scoresCsv, type CsvRow } from './page/scores-csv.js';

const row = (name: string, score: number, scores: CsvRow['scores']): CsvRow => ({ name, score, normalized: score / 4, anomalous: score >= 2, scores });

describe('scores CSV', () => {
  it('writes one line per image, quoting names with commas, quotes and line breaks', () => {
    const csv = scoresCsv([row('scratch, "deep".png', 3, { gaussian: 1.5, patch: 2.25, fused: 3 }), row('good\n1.png', 0.5, { gaussian: 0.25, patch: 0.125, fused: 0.5 }), row('plain.png', 2, { gaussian: 2, patch: 1, fused: 2 })], 2);
    expect(csv).toBe(
      'image,score,normalized_score,verdict,threshold,gaussian,patch,fused\r\n' +
        '"scratch, ""deep"".png",3,0.75,anomalous,2,1.5,2.25,3\r\n' +
        '"good\n1.png",0.5,0.125,normal,2,0.25,0.125,0.5\r\n' +
        'plain.png,2,0.5,anomalous,2,2,1,2\r\n',
    );
  });

  it('writes names a spreadsheet would run as formulas as text; negative scores stay numbers', () => {
    const csv = scoresCsv([row('=HYPERLINK("http://x","a").png', -1, { gaussian: -0.5 }), row('@sum.png', 1, { gaussian: 1 }), row('-x.png', 1, { gaussian: 1 })], 2);
    expect(csv.split('\r\n').slice(1, 4)).toEqual([`"'=HYPERLINK(""http://x"",""a"").png",-1,-0.25,normal,2,-0.5`, "'@sum.png,1,0.25,normal,2,1", "'-x.png,1,0.25,normal,2,1"]);
  });

  it('leaves out the kinds the detector does not have, and keeps full precision', () => {
    expect(scoresCsv([row('a.png', 1 / 3, { gaussian: 1 / 3 })], 0.1)).toBe(`image,score,normalized_score,verdict,threshold,gaussian\r\na.png,${1 / 3},${1 / 12},normal,0.1,${1 / 3}\r\n`);
    expect(scoresCsv([], 1)).toBe('image,score,normalized_score,verdict,threshold,gaussian\r\n');
  });
});
