import fc from 'fast-check';
import { bucketLabels } from '../../../shared/domain/metrics';
import { rangeProblems } from '../../../shared/domain/metrics';
import { checkMaxInputs, hiddenRangeReason, rangeLabels, rangeMins } from '../../../portal/src/lib/ranges';

// The portal checks ranges while the administrator types; it must agree with the API's rules and
// labels, or it would let through what the API refuses (or refuse what it accepts).

describe('checkMaxInputs', () => {
  it('accepts exactly the maxima the API accepts', () => {
    fc.assert(
      fc.property(fc.tuple(fc.double({ noNaN: true, min: -5, max: 50 }), fc.double({ noNaN: true, min: -5, max: 50 }), fc.double({ noNaN: true, min: -5, max: 50 })), (max) => {
        const inputs = max.map(String) as [string, string, string];
        expect(checkMaxInputs(inputs).max !== undefined).toBe(rangeProblems(max).length === 0);
      }),
    );
  });

  it('says which field is wrong and why', () => {
    expect(checkMaxInputs(['2', '2', '']).errors).toEqual([undefined, 'Must be greater than the range above (2).', 'Enter a number greater than 0.']);
    expect(checkMaxInputs(['abc', '3', '4']).errors[0]).toBe('Enter a number greater than 0.');
    expect(checkMaxInputs(['1.5', '3', '4.25'])).toEqual({ max: [1.5, 3, 4.25], errors: [undefined, undefined, undefined] });
  });
});

describe('range labels', () => {
  it('are the API’s labels', () => {
    fc.assert(fc.property(fc.tuple(fc.double({ min: 0.01, max: 1e6, noNaN: true }), fc.double({ min: 0.01, max: 1e6, noNaN: true }), fc.double({ min: 0.01, max: 1e6, noNaN: true })), (max) => {
      expect(rangeLabels(max)).toEqual(bucketLabels(max));
    }));
  });

  it('start each range where the one above ends', () => {
    expect(rangeMins([1, 3, 5])).toEqual(['0', '1', '3', '5']);
  });
});

describe('hiddenRangeReason', () => {
  const thresholds = { minResponses: 5, insightsMinGroupSize: 8 };
  it('names the larger threshold when a range is too small to show', () => {
    expect(hiddenRangeReason({ employees: null, belowThreshold: true, suppressed: false }, thresholds)).toMatch(/^Fewer than 8 employees: reports and filters hide this range/);
  });
  it('explains a range hidden with a small one, and says nothing of a shown one', () => {
    expect(hiddenRangeReason({ employees: null, belowThreshold: false, suppressed: true }, thresholds)).toMatch(/total minus the others/);
    expect(hiddenRangeReason({ employees: 40, belowThreshold: false, suppressed: false }, thresholds)).toBeUndefined();
  });
});
