import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { bucketOf, maxMetricValue, meanOf, toNano, WindowAggregator, type Aggregate, type WindowRow } from '../../shared/domain/aggregation';
import { metricCatalog, requireMetric } from '../../shared/domain/metrics';
import { parseRecord, resolveColumns, type RawRecord } from '../../shared/insights/person-rows';
import { addDays } from '../../shared/domain/weeks';

const window = { from: '2022-05-01', to: '2022-07-24' }; // 12 Sundays
const sunday = (week: number) => addDays(window.from, 7 * week);

function aggregateOf(values: readonly number[]): Aggregate {
  return { sumNano: values.reduce((sum, v) => sum + toNano(v), 0), weeks: values.length };
}

function resultOf(aggregator: WindowAggregator): Record<string, Record<string, Aggregate>> {
  return Object.fromEntries([...aggregator.employees()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function aggregate(rows: readonly WindowRow[], metricIds: readonly string[] = ['emailHours', 'meetingHours']): WindowAggregator {
  const aggregator = new WindowAggregator({ window, metricIds });
  for (const row of rows) aggregator.add(row);
  return aggregator;
}

describe('toNano', () => {
  it('is exact for every decimal of at most 9 places up to maxMetricValue', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: toNano(maxMetricValue) }), (nano) => toNano(nano / 1e9) === nano && toNano(Number(String(nano / 1e9))) === nano));
  });
});

describe('bucketOf', () => {
  const managerOneOnOne = requireMetric('managerOneOnOneHours').defaultMax; // [0.01, 0.25, 0.5]

  it('puts 0 to less than m1 in 1, …, m3 or more in 4', () => {
    const max = [3, 6, 8] as const;
    expect([0, 2.999, 3, 5.5, 6, 7.999999999, 8, 1000].map((v) => bucketOf(aggregateOf([v]), max))).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('puts a mean exactly on a maximum in the higher bucket', () => {
    expect(bucketOf(aggregateOf([0.25, 0.25, 0.25]), managerOneOnOne)).toBe(3);
    expect(bucketOf(aggregateOf([0, 0.5]), managerOneOnOne)).toBe(3);
    expect(bucketOf(aggregateOf([0.02, 0, 0.01]), managerOneOnOne)).toBe(2);
    expect(bucketOf(aggregateOf([0.5, 0.5, 0.25, 0.75]), managerOneOnOne)).toBe(4);
  });

  it('has no binary floating-point drift', () => {
    // (0.1 + 0.2) / 2 is 0.15000000000000002 in doubles; exactly 0.15 here.
    expect(meanOf(aggregateOf([0.1, 0.2]))).toBe(0.15);
    expect(bucketOf(aggregateOf([0.1, 0.2]), [0.15, 1, 2])).toBe(2);
    expect(bucketOf(aggregateOf([0.1, 0.2]), [0.01, 0.1, 0.15])).toBe(4);
    // (0.7 + 0.1) / 2 is 0.39999999999999997 in doubles: a naive mean would fall one bucket short.
    expect((0.7 + 0.1) / 2 < 0.4).toBe(true);
    expect(bucketOf(aggregateOf([0.7, 0.1]), [0.4, 1, 2])).toBe(2);
    expect(bucketOf(aggregateOf([0.1, 0.1, 0.1]), [0.1, 1, 2])).toBe(2);
    expect(bucketOf(aggregateOf([0.3, 0.3, 0.3]), [0.1, 0.3, 2])).toBe(3);
  });

  it('refuses an aggregate without weeks: no weeks, no value, no bucket', () => {
    expect(() => bucketOf({ sumNano: 0, weeks: 0 }, managerOneOnOne)).toThrow(RangeError);
    expect(() => meanOf({ sumNano: 0, weeks: 0 })).toThrow(/at least one week/);
    expect(() => bucketOf({ sumNano: 0.5, weeks: 1 }, managerOneOnOne)).toThrow(/sumNano/);
  });

  const value = fc.integer({ min: 0, max: 1e11 }).map((n) => n / 1e6);
  const maxima = fc
    .uniqueArray(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 3, maxLength: 3 })
    .map((ms) => ms.sort((a, b) => a - b).map((m) => m / 1000) as [number, number, number]);

  it('always gives a bucket from 1 to 4', () => {
    fc.assert(fc.property(fc.array(value, { minLength: 1, maxLength: 12 }), maxima, (values, max) => [1, 2, 3, 4].includes(bucketOf(aggregateOf(values), max))));
  });

  it('is monotone in the value', () => {
    fc.assert(
      fc.property(value, value, maxima, (a, b, max) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        return bucketOf(aggregateOf([low]), max) <= bucketOf(aggregateOf([high]), max);
      }),
    );
  });

  it('agrees with exact rational arithmetic', () => {
    const nanoValue = fc.integer({ min: 0, max: toNano(maxMetricValue) });
    fc.assert(
      fc.property(fc.array(nanoValue, { minLength: 1, maxLength: 12 }), maxima, (nanos, max) => {
        const sum = nanos.reduce((s, n) => s + BigInt(n), 0n);
        const weeks = BigInt(nanos.length);
        const exact = 1 + max.filter((m) => sum >= BigInt(Math.round(m * 1000)) * 1_000_000n * weeks).length;
        return bucketOf(aggregateOf(nanos.map((n) => n / 1e9)), max) === exact;
      }),
    );
  });
});

describe('WindowAggregator', () => {
  it('sums each employee and metric over the weeks that have a value', () => {
    const aggregator = aggregate([
      { employeeKey: 'a', metricDate: sunday(0), values: { emailHours: 1.5, meetingHours: 2 } },
      { employeeKey: 'a', metricDate: sunday(1), values: { emailHours: 2.5 } },
      { employeeKey: 'b', metricDate: sunday(11), values: { meetingHours: 0.25 } },
    ]);
    expect(aggregator.size).toBe(2);
    expect(resultOf(aggregator)).toEqual({
      a: { emailHours: { sumNano: 4e9, weeks: 2 }, meetingHours: { sumNano: 2e9, weeks: 1 } },
      b: { meetingHours: { sumNano: 0.25e9, weeks: 1 } },
    });
    expect(meanOf(resultOf(aggregator).a!.emailHours!)).toBe(2);
  });

  it('ignores rows outside the window and metrics not asked for', () => {
    const aggregator = aggregate([
      { employeeKey: 'a', metricDate: addDays(window.from, -7), values: { emailHours: 100 } },
      { employeeKey: 'a', metricDate: addDays(window.to, 7), values: { emailHours: 100 } },
      { employeeKey: 'a', metricDate: window.to, values: { emailHours: 1, callHours: 5 } },
    ]);
    expect(aggregator.add({ employeeKey: 'z', metricDate: '2022-04-24', values: {} })).toBe('outside-window');
    expect(aggregator.add({ employeeKey: 'z', metricDate: window.from, values: {} })).toBe('used');
    expect(resultOf(aggregator)).toEqual({ a: { emailHours: { sumNano: 1e9, weeks: 1 } }, z: {} });
  });

  it('counts a duplicated week once; when duplicates disagree the largest value wins', () => {
    const row = { employeeKey: 'a', metricDate: sunday(3), values: { emailHours: 1, meetingHours: 4 } };
    const aggregator = aggregate([row, row, { ...row, values: { emailHours: 3 } }, { ...row, values: { meetingHours: 2 } }]);
    expect(resultOf(aggregator)).toEqual({ a: { emailHours: { sumNano: 3e9, weeks: 1 }, meetingHours: { sumNano: 4e9, weeks: 1 } } });
  });

  it('refuses windows that are not whole weeks or too long to stay exact, and values out of range', () => {
    expect(() => new WindowAggregator({ window: { from: '2022-05-01', to: '2022-05-02' }, metricIds: [] })).toThrow(/whole number of weeks/);
    expect(() => new WindowAggregator({ window: { from: '2022-05-08', to: '2022-05-01' }, metricIds: [] })).toThrow(RangeError);
    expect(() => new WindowAggregator({ window: { from: '2022-05-01', to: addDays('2022-05-01', 7 * 100) }, metricIds: [] })).toThrow(/exactness/);
    const aggregator = aggregate([]);
    expect(() => aggregator.add({ employeeKey: 'a', metricDate: '2022-05-03', values: {} })).toThrow(/not a Sunday/);
    expect(() => aggregator.add({ employeeKey: 'a', metricDate: window.from, values: { emailHours: -1 } })).toThrow(RangeError);
    expect(() => aggregator.add({ employeeKey: 'a', metricDate: window.from, values: { emailHours: maxMetricValue * 2 } })).toThrow(RangeError);
  });

  it('keeps many employees across cell blocks, each value exact on both sides of 2^32 nano-units', () => {
    const values = [0, 4294.967295, 4294.967296, 4294.967297, 12345.678901234, maxMetricValue];
    const rows = Array.from({ length: 6000 }, (_, i) => ({ employeeKey: `e${i}`, metricDate: sunday(i % 12), values: { emailHours: values[i % values.length]! } }));
    const result = resultOf(aggregate(rows));
    expect(Object.keys(result)).toHaveLength(6000);
    rows.forEach((row) => expect(result[row.employeeKey]).toEqual({ emailHours: { sumNano: toNano(row.values.emailHours), weeks: 1 } }));
  });

  it('lists employees in ascending key order', () => {
    const keys = ['m', 'b', 'z', 'a', 'B'];
    const aggregator = aggregate(keys.map((employeeKey) => ({ employeeKey, metricDate: window.from, values: {} })));
    expect([...aggregator.employees()].map(([key]) => key)).toEqual(['B', 'a', 'b', 'm', 'z']);
  });

  const rowArb: fc.Arbitrary<WindowRow> = fc.record({
    employeeKey: fc.constantFrom('a', 'b', 'c'),
    // Weeks -2..13: some fall outside the 12-week window; few weeks and values make duplicates likely.
    metricDate: fc.integer({ min: -2, max: 13 }).map(sunday),
    values: fc.record(
      { emailHours: fc.constantFrom(0, 0.1, 0.25, 1.5), meetingHours: fc.constantFrom(0, 0.2, 3), callHours: fc.constant(7) },
      { requiredKeys: [] },
    ),
  });

  it('does not depend on the order of the rows', () => {
    const rowsAndPermutation = fc.array(rowArb, { maxLength: 60 }).chain((rows) => fc.tuple(fc.constant(rows), fc.shuffledSubarray(rows, { minLength: rows.length })));
    fc.assert(fc.property(rowsAndPermutation, ([rows, permuted]) => expect(resultOf(aggregate(permuted))).toEqual(resultOf(aggregate(rows)))));
  });

  it('agrees with a plain model: one value per employee, week and metric, the largest of its rows', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 60 }), (rows) => {
        const cells = new Map<string, number>();
        for (const row of rows.filter((r) => r.metricDate >= window.from && r.metricDate <= window.to)) {
          for (const metricId of ['emailHours', 'meetingHours']) {
            const v = row.values[metricId];
            const cell = `${row.employeeKey}|${row.metricDate}|${metricId}`;
            if (v !== undefined) cells.set(cell, Math.max(cells.get(cell) ?? v, v));
          }
        }
        const expected: Record<string, Record<string, Aggregate>> = {};
        for (const row of rows.filter((r) => r.metricDate >= window.from && r.metricDate <= window.to)) expected[row.employeeKey] ??= {};
        for (const [cell, v] of cells) {
          const [employeeKey, , metricId] = cell.split('|') as [string, string, string];
          const current = expected[employeeKey]![metricId] ?? { sumNano: 0, weeks: 0 };
          expected[employeeKey]![metricId] = { sumNano: current.sumNano + toNano(v), weeks: current.weeks + 1 };
        }
        expect(resultOf(aggregate(rows))).toEqual(expected);
      }),
    );
  });
});

describe('the vivainsights sample person query', () => {
  const file = path.resolve(__dirname, '../../../shared/data/vivainsights/pq_data_vivainsights-py_84a84d0.csv');
  const maybe = existsSync(file) ? it : it.skip;
  if (!existsSync(file)) console.warn(`Skipping the sample person-query test: ${file} is absent.`);

  // Independent of the code under test: decimal strings scaled to integers with BigInt, no rounding.
  const scale = 12;
  const scaled = (decimal: string): bigint => {
    const match = /^(\d+)(?:\.(\d+))?$/.exec(decimal.trim());
    if (!match || (match[2] ?? '').length > scale) throw new Error(`unexpected sample value ${decimal}`);
    return BigInt(match[1]!) * 10n ** BigInt(scale) + BigInt((match[2] ?? '').padEnd(scale, '0'));
  };

  maybe('buckets every person and metric as exact decimal arithmetic does, 13 Manager 1:1 means exactly on a maximum', () => {
    const records: RawRecord[] = parse(readFileSync(file), { columns: true });
    const metricIds = metricCatalog.map((m) => m.id);
    const columns = resolveColumns(Object.keys(records[0]!), { employeeKeyColumn: 'PersonId', metricIds });
    expect(columns.missingMetrics).toEqual([]);
    expect(columns.metrics.managerOneOnOneHours).toBe('Meeting_hours_with_manager_1_1');

    const aggregator = new WindowAggregator({ window: { from: '2022-05-01', to: '2022-07-03' }, metricIds });
    const plain = new Map<string, Map<string, string[]>>();
    for (const record of records) {
      const row = parseRecord(record, columns);
      if (row.kind !== 'row') throw new Error(`sample row not read: ${JSON.stringify(row)}`);
      expect(aggregator.add(row)).toBe('used');
      const person = plain.get(String(record.PersonId).toLowerCase()) ?? new Map<string, string[]>();
      plain.set(String(record.PersonId).toLowerCase(), person);
      for (const metric of metricCatalog) {
        const values = person.get(metric.id) ?? [];
        person.set(metric.id, [...values, String(record[columns.metrics[metric.id]!])]);
      }
    }
    expect(aggregator.size).toBe(100);

    const result = resultOf(aggregator);
    let onAMaximum = 0;
    for (const [personId, metrics] of plain) {
      for (const metric of metricCatalog) {
        const values = metrics.get(metric.id)!;
        expect(values).toHaveLength(10);
        const sum = values.reduce((s, v) => s + scaled(v), 0n);
        const times = (m: number) => scaled(String(m)) * BigInt(values.length);
        const expected = 1 + metric.defaultMax.filter((m) => sum >= times(m)).length;
        const aggregate = result[personId]![metric.id]!;
        expect({ personId, metric: metric.id, weeks: aggregate.weeks, bucket: bucketOf(aggregate, metric.defaultMax) }).toEqual({
          personId,
          metric: metric.id,
          weeks: 10,
          bucket: expected,
        });
        if (metric.id === 'managerOneOnOneHours' && metric.defaultMax.some((m) => sum === times(m))) onAMaximum++;
      }
    }
    expect(onAMaximum).toBe(13);
  });
});
