import { comparePrecedence, RouteTemplate } from '../../local/host/routes';

describe('route templates', () => {
  it('matches literals case-insensitively and binds parameters', () => {
    const route = new RouteTemplate('attributes/{metricId}/ranges');
    expect(route.match('/Attributes/meetingHours/RANGES')).toEqual({ metricId: 'meetingHours' });
    expect(route.match('/attributes/meetingHours')).toBeNull();
    expect(route.match('/attributes/meetingHours/ranges/extra')).toBeNull();
  });

  it('handles optional, defaulted and catch-all parameters', () => {
    expect(new RouteTemplate('imports/{runId?}').match('/imports')).toEqual({});
    expect(new RouteTemplate('imports/{runId?}').match('/imports/r1')).toEqual({ runId: 'r1' });
    expect(new RouteTemplate('page/{n=1}').match('/page')).toEqual({ n: '1' });
    expect(new RouteTemplate('files/{*path}').match('/files/a/b%2Fc')).toEqual({ path: 'a/b/c' });
  });

  it('rejects an empty or undecodable segment', () => {
    const route = new RouteTemplate('items/{id}');
    expect(route.match('/items/%E0%A4%A')).toBeNull();
    expect(route.match('/items//')).toBeNull();
  });

  it('refuses templates the host would not accept', () => {
    expect(() => new RouteTemplate('a/{id?}/b')).toThrow(/only trailing parameters may be optional/);
    expect(() => new RouteTemplate('a/{*rest}/b')).toThrow(/catch-all/);
    expect(() => new RouteTemplate('a/{id:regex(x)}')).toThrow(/unsupported segment/);
    expect(() => new RouteTemplate('a/{id:color}')).toThrow(/unsupported constraint/);
    expect(() => new RouteTemplate('a/x{id}')).toThrow(/unsupported segment/);
  });

  it('orders literal before constrained before plain before optional before catch-all', () => {
    const templates = ['items/{*rest}', 'items/{id?}', 'items/{id}', 'items/{id:int}', 'items/special'].map((t) => new RouteTemplate(t));
    expect(templates.sort(comparePrecedence).map((t) => t.template)).toEqual(['items/special', 'items/{id:int}', 'items/{id}', 'items/{id?}', 'items/{*rest}']);
  });
});
