import fc from 'fast-check';
import { diagnose, matchRoster, type RosterEmployee } from '../../shared/domain/matching';

const employee = (key: string, email: string, alternates: string[] = [], status: 'active' | 'inactive' = 'active'): RosterEmployee => ({ key, email, status, alternates });

describe('matchRoster', () => {
  it('matches by key first, then by alternates in order, never two people to one', () => {
    const roster = [
      employee('e1', 'ann@contoso.com'),
      employee('bob@contoso.com', 'bob@contoso.com'),
      employee('e3', 'cy@fabrikam.com', ['oid-3', 'cy@contoso.com']),
      employee('e4', 'bob@contoso.com'), // Bob's person is taken by his key
      employee('e5', 'dee@contoso.com', [], 'inactive'),
    ];
    const measured = new Set(['ann@contoso.com', 'bob@contoso.com', 'cy@contoso.com', 'dee@contoso.com', 'e1']);
    expect([...matchRoster(roster, measured)]).toEqual([
      ['e1', { insightsKey: 'e1', via: 'key' }],
      ['bob@contoso.com', { insightsKey: 'bob@contoso.com', via: 'key' }],
      ['e3', { insightsKey: 'cy@contoso.com', via: 'alternate' }],
    ]);
    const { counts, unmatched } = diagnose(roster, { measured, excluded: new Set(), withoutWindow: new Set() });
    expect(counts).toMatchObject({ measuredEmployees: 5, matchedEmployees: 3, matchedByAlternateId: 1, unmatchedGlintEmployees: 1, unmatchedInsightsPersons: 2 });
    expect(unmatched.map((u) => [u.employee.key, u.reason])).toEqual([
      ['e4', 'identifier-matched-to-another-employee'],
      ['e5', 'inactive-in-glint'],
    ]);
  });

  it('gives the first reason that holds: left out by the rules, no week in the window, a domain Insights never shows, else absent', () => {
    const roster = [employee('a@contoso.com', 'a@contoso.com'), employee('b@fabrikam.com', 'b@fabrikam.com'), employee('c@contoso.com', 'c@contoso.com'), employee('d', 'd@tailspin.com', ['d@contoso.com'])];
    const { unmatched, counts } = diagnose(roster, { measured: new Set(['x@contoso.com']), excluded: new Set(['d@contoso.com']), withoutWindow: new Set(['a@contoso.com']) });
    expect(unmatched.map((u) => u.reason)).toEqual(['no-week-in-window', 'email-domain-not-in-insights', 'not-in-person-query', 'excluded-by-data-quality']);
    // A person the rules left out is not measured, so not an unmatched Insights person either.
    expect(counts).toMatchObject({ measuredEmployees: 1, unmatchedGlintEmployees: 4, unmatchedInsightsPersons: 1 });
    // Keys without domains (object ids) say nothing about domains.
    expect(diagnose([roster[1]!], { measured: new Set(['oid-1']), excluded: new Set(), withoutWindow: new Set() }).unmatched[0]!.reason).toBe('not-in-person-query');
  });

  it('holds its rules on random rosters', () => {
    const id = fc.constantFrom<string>('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');
    const rosterArb = fc.uniqueArray(fc.record({ key: id, email: id, status: fc.constantFrom('active' as const, 'inactive' as const), alternates: fc.array(id, { maxLength: 3 }) }), { selector: (e) => e.key, maxLength: 8 });
    fc.assert(
      fc.property(rosterArb, fc.uniqueArray(id), (roster, measuredKeys) => {
        const measured = new Set(measuredKeys);
        const matches = matchRoster(roster, measured);
        const persons = [...matches.values()].map((m) => m.insightsKey);
        expect(new Set(persons).size).toBe(persons.length);
        for (const e of roster) {
          const m = matches.get(e.key);
          if (e.status === 'active' && measured.has(e.key)) expect(m).toEqual({ insightsKey: e.key, via: 'key' });
          if (m) expect(e.status === 'active' && measured.has(m.insightsKey) && [e.key, e.email, ...e.alternates].includes(m.insightsKey)).toBe(true);
        }
        const { counts, unmatched } = diagnose(roster, { measured, excluded: new Set(), withoutWindow: new Set() }, matches);
        expect(counts.matchedEmployees + unmatched.length).toBe(roster.length);
      }),
    );
  });
});
