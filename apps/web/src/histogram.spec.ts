// The threshold panel's arithmetic (the drawing is checked by the e2e test's screenshot).
import { histogram, scoreRange } from './page/histogram.js';

describe('threshold panel', () => {
  it('bins values over [lo, hi], clamping those outside into the end bins', () => {
    expect(Array.from(histogram([0, 0.5, 1, 9.99, 10, -3, 42], 0, 10, 5).counts)).toEqual([4, 0, 0, 0, 3]);
    expect(Array.from(histogram([1, 2, 3], 0, 3, 3).counts)).toEqual([0, 1, 2]);
    expect(Array.from(histogram([5, 5], 5, 5, 4).counts)).toEqual([2, 0, 0, 0]);
  });

  it("pads the slider's range by 5 % and widens a single value to ±1", () => {
    expect(scoreRange([2, 12])).toEqual({ lo: 1.5, hi: 12.5 });
    expect(scoreRange([-3])).toEqual({ lo: -4.1, hi: -1.9 });
  });
});
