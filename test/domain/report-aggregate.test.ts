import fc from 'fast-check';
import { aggregateCycle, groupKeys, type RespondentAnswers } from '../../shared/reports/aggregate';

const items = [
  { itemId: 'q1', favorableMin: 4 },
  { itemId: 'q2', favorableMin: 4 },
];

describe('aggregateCycle', () => {
  it('counts respondents, commenters and item totals per bucket, with "No data" for employees without a value', () => {
    const respondents: RespondentAnswers[] = [
      { employeeKey: 'a', answers: [{ itemId: 'q1', score: 5, comment: 'good' }, { itemId: 'q2', score: 2 }] },
      { employeeKey: 'b', answers: [{ itemId: 'q1', score: 3 }] },
      { employeeKey: 'c', answers: [{ itemId: 'q1', score: 4, comment: '  ' }] },
      { employeeKey: 'd', answers: [{ itemId: 'gone', score: 1 }] }, // only an item no longer in the cycle: not a respondent
    ];
    const buckets: Record<string, Record<string, number>> = { a: { m: 1 }, b: { m: 1 }, d: { m: 2 } };
    const result = aggregateCycle(items, ['m'], respondents, (key) => buckets[key]);
    expect(result.m).toEqual({
      '1': { respondents: 2, commenters: 1, items: { q1: [2, 8, 1], q2: [1, 2, 0] } },
      '2': { respondents: 0, commenters: 0, items: {} },
      '3': { respondents: 0, commenters: 0, items: {} },
      '4': { respondents: 0, commenters: 0, items: {} },
      none: { respondents: 1, commenters: 0, items: { q1: [1, 4, 1] } },
    });
  });

  it('puts every respondent in exactly one group of every attribute, whatever the buckets', () => {
    const respondent = fc.record({ bucket: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), score: fc.integer({ min: 1, max: 5 }) });
    fc.assert(
      fc.property(fc.array(respondent, { maxLength: 60 }), (people) => {
        const answers = people.map((p, i) => ({ employeeKey: `e${i}`, answers: [{ itemId: 'q1', score: p.score }] }));
        const result = aggregateCycle(items, ['m'], answers, (key) => {
          const bucket = people[Number(key.slice(1))]!.bucket;
          return bucket === undefined ? undefined : { m: bucket };
        });
        const total = groupKeys.reduce((n, g) => n + result.m![g].respondents, 0);
        const sum = groupKeys.reduce((n, g) => n + (result.m![g].items.q1?.[1] ?? 0), 0);
        return total === people.length && sum === people.reduce((s, p) => s + p.score, 0);
      }),
    );
  });
});
