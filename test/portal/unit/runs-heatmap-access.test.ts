import { callerFromToken, screensFor } from '../../../portal/src/lib/access';
import { cellExplanations, heatmapCell, shadeOf } from '../../../portal/src/lib/heatmap';
import { ApiError, toProblem } from '../../../portal/src/lib/problem';
import { dataQualityFacts, plainError, runProgress } from '../../../portal/src/lib/runs';

const token = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('who sees which screen', () => {
  it('gives a report viewer the reports only, and administrators theirs', () => {
    expect(screensFor(callerFromToken(token({ roles: ['managers'] })))).toEqual(['reports']);
    expect(screensFor(callerFromToken(token({ wids: ['62e90394-69f5-4237-9190-012177145e10'] })))).toEqual(['integration', 'audit']);
    expect(screensFor(callerFromToken(token({ roles: ['Glint.Admin'] })))).toEqual(['integration', 'imports', 'reports', 'settings', 'audit']);
    expect(screensFor(callerFromToken(token({ roles: ['Glint.Platform'] })))).toEqual([]);
    expect(screensFor(callerFromToken('not a token'))).toEqual([]);
  });
});

describe('heatmap cells', () => {
  it('show score and share favorable, or say why there is no number', () => {
    expect(heatmapCell({ status: 'ok', score: 3.456, favorable: 0.7123 })).toMatchObject({ kind: 'score', text: '3.46 · 71% favorable', shade: 3 });
    expect(heatmapCell({ status: 'insufficient', score: null, favorable: null })).toMatchObject({ kind: 'insufficient', text: 'Insufficient' });
    expect(heatmapCell({ status: 'suppressed', score: null, favorable: null })).toMatchObject({ kind: 'suppressed', text: 'Suppressed' });
    expect(heatmapCell({ status: 'ok', score: null, favorable: null })).toMatchObject({ kind: 'withheld' });
    expect(Object.keys(cellExplanations).sort()).toEqual(['insufficient', 'suppressed', 'withheld']);
  });
  it('shade by share favorable in five steps', () => {
    expect([0, 0.39, 0.4, 0.55, 0.7, 0.85, 1].map(shadeOf)).toEqual([0, 0, 1, 2, 3, 4, 4]);
  });
});

describe('import runs', () => {
  const run = (status: 'queued' | 'running' | 'succeeded' | 'failed', chunksDone: number, chunksTotal: number | null) => ({ kind: 'import' as const, status, progress: { employees: 250, chunksDone, chunksTotal }, error: null });
  it('report progress as chunks done of total', () => {
    expect(runProgress(run('running', 2, 5))).toEqual({ value: 0.4, text: '2 of 5 chunks · 250 employees' });
    expect(runProgress(run('running', 0, null)).value).toBeUndefined();
    expect(runProgress(run('queued', 0, null))).toEqual({ value: 0, text: 'Waiting to start' });
    expect(runProgress(run('succeeded', 5, 5)).value).toBe(1);
  });
  it('put a known error in plain words first and keep the stored text', () => {
    expect(plainError('no Viva Insights source is configured (PUT /api/insights-source)')).toEqual({
      summary: 'No Viva Insights source is set. Set one under Settings, then import again.',
      detail: 'no Viva Insights source is configured (PUT /api/insights-source)',
    });
    expect(plainError('disk on fire')?.summary).toBe('The import stopped with an error.');
    expect(plainError(null)).toBeUndefined();
  });
});

describe('problem documents', () => {
  it('keep title, detail and field errors, and find a field’s messages by path', () => {
    const error = new ApiError(toProblem(422, { type: '/problems/rule-violation', title: 'Rule violation', detail: 'x', errors: [{ path: 'body.roles.0.commentFilters', message: 'no' }, { path: 'body.metricId', message: 'unknown' }] }));
    expect(error.fieldMessage('body.roles.0')).toBe('no');
    expect(error.fieldMessage('body.roles.1')).toBeUndefined();
    expect(error.unclaimed(['body.roles.0'])).toEqual([{ path: 'body.metricId', message: 'unknown' }]);
  });
  it('turn what is not a problem document into a readable one', () => {
    expect(toProblem(502, '<html>')).toMatchObject({ title: 'The service answered 502', status: 502 });
    expect(toProblem(0, undefined).title).toBe('The service cannot be reached');
  });
});

describe('data-quality facts of a run', () => {
  it('list the holiday weeks with their mean and z, or the week alone when the API withheld them, and the counts', () => {
    expect(dataQualityFacts(undefined)).toEqual([]);
    expect(
      dataQualityFacts({
        holidayWeeks: [
          { week: '2026-05-24', meanHours: 4.25, z: -1.5 },
          { week: '2026-08-16', meanHours: null, z: null },
        ],
        personWeeksExcluded: 31,
        nonKnowledgeWorkers: 2,
      }),
    ).toEqual([
      ['Holiday weeks left out', '2026-05-24 (mean 4.3 collaboration hours, z -1.50); 2026-08-16'],
      ['Person-weeks left out', '31'],
      ['Non-knowledge workers left out (no value)', '2'],
    ]);
    expect(dataQualityFacts({ holidayWeeks: [], personWeeksExcluded: 0, nonKnowledgeWorkers: 0 })[0]).toEqual(['Holiday weeks left out', 'None found']);
  });
});
