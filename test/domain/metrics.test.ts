import { bucketLabels, metricCatalog, rangeProblems, snapToGrid, validateCatalog } from '../../shared/domain/metrics';

describe('metric catalog', () => {
  it('has the ten metrics of the spec, valid', () => {
    expect(metricCatalog.map((m) => m.id)).toEqual([
      'emailHours',
      'callHours',
      'afterHoursCollaborationHours',
      'multitaskingHours',
      'collaborationHours',
      'uninterruptedHours',
      'meetingHours',
      'managerOneOnOneHours',
      'skipLevelMeetingHours',
      'internalNetworkSize',
    ]);
    expect(() => validateCatalog(metricCatalog)).not.toThrow();
  });

  it('refuses a catalog with bad default ranges or duplicate ids at start-up', () => {
    const [first] = metricCatalog;
    expect(() => validateCatalog([{ ...first!, defaultMax: [6, 60, 15] }])).toThrow(/emailHours default ranges: max.2 must be greater than max.1/);
    expect(() => validateCatalog([first!, first!])).toThrow(/duplicate id emailHours/);
    expect(() => validateCatalog([{ ...first!, defaultMax: [0, 1, 2] }])).toThrow(/positive/);
  });

  it('checks maxima: three, finite, positive, strictly increasing', () => {
    expect(rangeProblems([1, 2, 3])).toEqual([]);
    expect(rangeProblems([1, 1, 3]).map((p) => p.path)).toEqual(['max.1']);
    expect(rangeProblems([Number.POSITIVE_INFINITY, 2, 3]).map((p) => p.path)).toEqual(['max.0']);
    expect(rangeProblems([1, 2]).map((p) => p.path)).toEqual(['max']);
  });

  it('labels buckets as Glint does', () => {
    expect(bucketLabels([0.01, 0.25, 0.5])).toEqual(['0 to less than 0.01', '0.01 to less than 0.25', '0.25 to less than 0.5', '0.5 or more']);
  });
});

describe('snapToGrid (previewed maxima)', () => {
  it('rounds hours to quarter hours and counts to whole numbers, never below one step', () => {
    expect(snapToGrid([2.1, 4.13, 8.38], 'hour')).toEqual([2, 4.25, 8.5]);
    expect(snapToGrid([0.01, 3.4, 7.6], 'count')).toEqual([1, 3, 8]);
    expect(snapToGrid([0.05, 1, 2], 'hour')).toEqual([0.25, 1, 2]);
  });
});
