import { ColumnError } from '../../shared/insights/person-rows';
import { SourceError } from '../../shared/insights/source';
import { PermanentRunError } from '../../shared/pipeline/deps';
import { publicReason } from '../../shared/pipeline/queue-handler';

// What a tenant reads of a failed run: the service's own reasons, never an internal address or a raw
// exception of an SDK or the runtime (the operator's log has those whole).

describe('publicReason', () => {
  it('keeps the service’s own reasons as they are', () => {
    expect(publicReason(new ColumnError('The person query has no "MetricDate" (or legacy "Date") column.'))).toBe('The person query has no "MetricDate" (or legacy "Date") column.');
    expect(publicReason(new SourceError('Viva Insights answered HTTP 404 for the person query', false))).toBe('Viva Insights answered HTTP 404 for the person query');
  });

  it('takes any address out of them', () => {
    const reason = publicReason(
      new SourceError('no token for Viva Insights: connect ECONNREFUSED 10.0.3.7:8081 at http://localhost:8081/msi/token (https://login.microsoftonline.com/x/oauth2)', true),
    );
    expect(reason).toBe('no token for Viva Insights: connect ECONNREFUSED <address> at <address> (<address>)');
    expect(publicReason(new PermanentRunError('cannot reach localhost:10002'))).toBe('cannot reach <address>');
  });

  it('shows no other error at all', () => {
    const sdk = Object.assign(new Error('getaddrinfo ENOTFOUND stinternal01.table.core.windows.net'), { code: 'ENOTFOUND' });
    expect(publicReason(sdk)).toMatch(/^an internal error stopped this step/);
    expect(publicReason(new TypeError("Cannot read properties of undefined (reading 'x')"))).not.toMatch(/undefined/);
    expect(publicReason('a thrown string')).toMatch(/^an internal error/);
  });
});
