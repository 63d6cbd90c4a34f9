import { maxMetricValue } from '../../shared/domain/aggregation';
import { metricCatalog } from '../../shared/domain/metrics';
import { ColumnError, parseRecord, resolveColumns, type ColumnMap, type RawRecord } from '../../shared/insights/person-rows';

const allMetricIds = metricCatalog.map((m) => m.id);

describe('resolveColumns', () => {
  const options = { employeeKeyColumn: 'PersonId', metricIds: ['managerOneOnOneHours', 'afterHoursCollaborationHours'] };

  it.each([
    ['display', ['PersonId', 'MetricDate', 'Meeting hours with manager 1:1', 'After-hours collaboration hours']],
    ['cleaned', ['PersonId', 'MetricDate', 'Meeting_hours_with_manager_1_1', 'After_hours_collaboration_hours']],
    ['lower-cased cleaned', ['personid', 'metricdate', 'meeting_hours_with_manager_1_1', 'after_hours_collaboration_hours']],
  ])('matches %s headers', (_form, headers) => {
    const columns = resolveColumns(headers, options);
    expect(columns).toEqual({
      employeeKey: headers[0],
      metricDate: headers[1],
      isActive: null,
      metrics: { managerOneOnOneHours: headers[2], afterHoursCollaborationHours: headers[3] },
      missingMetrics: [],
    });
  });

  it('cleans every character vivainsights replaces, in any column', () => {
    expect(resolveColumns(['Person (Id.), key:', 'MetricDate'], { employeeKeyColumn: 'person__id____key_', metricIds: [] }).employeeKey).toBe('Person (Id.), key:');
    expect(resolveColumns(['person__id____key_', 'MetricDate'], { employeeKeyColumn: 'Person (Id.), key:', metricIds: [] }).employeeKey).toBe('person__id____key_');
  });

  it('accepts legacy names, preferring the current name when both are present', () => {
    const legacy = resolveColumns(['PersonId', 'Date', 'Meeting_hours_with_manager_1_on_1', 'Uninterrupted_focus_hours', 'Meeting_and_call_hours_with_skip_level'], {
      employeeKeyColumn: 'PersonId',
      metricIds: ['managerOneOnOneHours', 'uninterruptedHours', 'skipLevelMeetingHours'],
    });
    expect(legacy).toMatchObject({
      metricDate: 'Date',
      metrics: { managerOneOnOneHours: 'Meeting_hours_with_manager_1_on_1', uninterruptedHours: 'Uninterrupted_focus_hours', skipLevelMeetingHours: 'Meeting_and_call_hours_with_skip_level' },
    });

    const both = resolveColumns(['PersonId', 'Date', 'MetricDate', 'Meeting_and_call_hours_with_manager_1_1', 'Meeting_hours_with_manager_1_1'], {
      employeeKeyColumn: 'PersonId',
      metricIds: ['managerOneOnOneHours'],
    });
    expect(both).toMatchObject({ metricDate: 'MetricDate', metrics: { managerOneOnOneHours: 'Meeting_hours_with_manager_1_1' } });
  });

  it('finds IsActive and ignores unknown and unnamed columns', () => {
    const columns = resolveColumns(['', 'PersonId', 'MetricDate', 'Organization', 'IsActive', 'Email_hours'], { employeeKeyColumn: 'PersonId', metricIds: ['emailHours'] });
    expect(columns).toEqual({ employeeKey: 'PersonId', metricDate: 'MetricDate', isActive: 'IsActive', metrics: { emailHours: 'Email_hours' }, missingMetrics: [] });
  });

  it('lists requested metrics without a column instead of failing', () => {
    const columns = resolveColumns(['PersonId', 'MetricDate', 'Email hours'], { employeeKeyColumn: 'PersonId', metricIds: allMetricIds });
    expect(columns.metrics).toEqual({ emailHours: 'Email hours' });
    expect(columns.missingMetrics).toEqual(allMetricIds.filter((id) => id !== 'emailHours'));
  });

  it('uses the configured employee key column', () => {
    const columns = resolveColumns(['PersonId', 'MetricDate', 'HashedEmail'], { employeeKeyColumn: 'hashedemail', metricIds: [] });
    expect(columns.employeeKey).toBe('HashedEmail');
  });

  it('fails with a ColumnError naming a missing key or date column', () => {
    expect(() => resolveColumns(['MetricDate', 'Email_hours'], { employeeKeyColumn: 'PersonId', metricIds: [] })).toThrow(ColumnError);
    expect(() => resolveColumns(['MetricDate'], { employeeKeyColumn: 'PersonId', metricIds: [] })).toThrow(/"PersonId"/);
    expect(() => resolveColumns(['PersonId', 'Week'], { employeeKeyColumn: 'PersonId', metricIds: [] })).toThrow(/"MetricDate"/);
  });
});

describe('parseRecord', () => {
  const columns: ColumnMap = {
    employeeKey: 'PersonId',
    metricDate: 'MetricDate',
    isActive: 'IsActive',
    metrics: { emailHours: 'Email_hours', managerOneOnOneHours: 'Meeting hours with manager 1:1' },
    missingMetrics: [],
  };
  const record = (overrides: RawRecord): RawRecord => ({
    PersonId: 'P1',
    MetricDate: '2022-05-01',
    IsActive: 'TRUE',
    Email_hours: '1.5',
    'Meeting hours with manager 1:1': 0.25,
    ...overrides,
  });
  const reasonOf = (overrides: RawRecord) => {
    const row = parseRecord(record(overrides), columns);
    if (row.kind !== 'invalid') throw new Error(`expected an invalid row, got ${JSON.stringify(row)}`);
    return row.reason;
  };

  it('reads a row: trimmed, lower-cased key, Sunday date, numeric values', () => {
    expect(parseRecord(record({ PersonId: '  Ada.Lovelace@Contoso.COM ' }), columns)).toEqual({
      kind: 'row',
      employeeKey: 'ada.lovelace@contoso.com',
      metricDate: '2022-05-01',
      values: { emailHours: 1.5, managerOneOnOneHours: 0.25 },
    });
  });

  it('accepts a numeric employee key', () => {
    expect(parseRecord(record({ PersonId: 42 }), columns)).toMatchObject({ kind: 'row', employeeKey: '42' });
  });

  it.each([[''], ['   '], [null], [undefined]])('rejects an empty employee key %p', (key) => {
    expect(reasonOf({ PersonId: key })).toMatch(/PersonId is empty/);
  });

  it.each([
    ['2022-05-01', '2022-05-01'],
    ['2022-05-01T00:00:00Z', '2022-05-01'],
    ['2022-05-01T00:00:00.000+00:00', '2022-05-01'],
    ['2022-05-01 00:00:00', '2022-05-01'],
    ['5/1/2022', '2022-05-01'],
    ['05/01/2022', '2022-05-01'],
    ['12/25/2022', '2022-12-25'],
    [' 2022-05-01 ', '2022-05-01'],
  ])('reads MetricDate %p as %s', (text, date) => {
    expect(parseRecord(record({ MetricDate: text }), columns)).toMatchObject({ kind: 'row', metricDate: date });
  });

  it.each([
    ['2022-05-02', /not a Sunday/],
    ['5/2/2022', /not a Sunday/],
    ['2022-02-30', /not a calendar date/],
    ['2/30/2022', /not a calendar date/],
    ['2022-13-01', /not a calendar date/],
    ['1/5/22', /not a date/],
    ['2022-05-01X', /not a date/],
    ['', /not a date/],
    [null, /not a date/],
    [20220501, /not a date/],
  ])('rejects MetricDate %p', (text, reason) => {
    expect(reasonOf({ MetricDate: text })).toMatch(reason);
  });

  it.each([[false], ['false'], ['FALSE'], ['False'], [0], ['0']])('skips a row with IsActive %p', (flag) => {
    expect(parseRecord(record({ IsActive: flag, Email_hours: 'abc' }), columns)).toEqual({ kind: 'inactive' });
  });

  it.each([[true], ['true'], ['TRUE'], [1], ['1'], [''], [null], [undefined]])('keeps a row with IsActive %p', (flag) => {
    expect(parseRecord(record({ IsActive: flag }), columns)).toMatchObject({ kind: 'row' });
  });

  it('rejects an IsActive that is neither true nor false', () => {
    expect(reasonOf({ IsActive: 'maybe' })).toMatch(/IsActive "maybe" is neither true nor false/);
  });

  it('ignores IsActive when the query has no such column', () => {
    expect(parseRecord(record({ IsActive: 'false' }), { ...columns, isActive: null })).toMatchObject({ kind: 'row' });
  });

  it.each([[''], ['  '], [null], [undefined]])('treats a blank value %p as no value for that week', (blank) => {
    expect(parseRecord(record({ Email_hours: blank }), columns)).toEqual({
      kind: 'row',
      employeeKey: 'p1',
      metricDate: '2022-05-01',
      values: { managerOneOnOneHours: 0.25 },
    });
  });

  it.each([
    [' 2.5 ', 2.5],
    ['0', 0],
    ['.5', 0.5],
    ['1e2', 100],
    [3, 3],
    [maxMetricValue, maxMetricValue],
  ])('reads the value %p as %p', (text, value) => {
    expect(parseRecord(record({ Email_hours: text }), columns)).toMatchObject({ values: { emailHours: value } });
  });

  it.each([
    ['-1', /Email_hours "-1" is negative/],
    [-0.25, /is negative/],
    ['abc', /"abc" is not a number/],
    ['NaN', /is not a number/],
    [Number.NaN, /is not a number/],
    ['Infinity', /is not a number/],
    [Number.POSITIVE_INFINITY, /is not finite/],
    ['1e999', /"1e999" is not finite/],
    ['0x10', /is not a number/],
    ['1,5', /is not a number/],
    [true, /true is not a number/],
    [String(maxMetricValue + 0.001), /exceeds the largest accepted value/],
    [1_000_000, /exceeds/],
  ])('rejects the whole row for the value %p', (bad, reason) => {
    expect(reasonOf({ Email_hours: bad })).toMatch(reason);
  });

  it('never looks at columns that were not requested', () => {
    expect(parseRecord(record({ Call_hours: 'abc', Organization: -3 }), columns)).toMatchObject({ kind: 'row' });
  });
});
