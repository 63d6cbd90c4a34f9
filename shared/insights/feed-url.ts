// Which Viva Insights feed URLs a tenant may name (the README's "Tenant isolation"). The service sends
// an organization's Viva Insights token to this URL, so it must be a Viva Insights host, over TLS, and
// a feed *of that organization*: the tenant id in the path is the caller's own. Pure: no I/O.

export interface FeedUrlPolicy {
  /** Host names a feed may be on (lower case, exact match, https on the default port). */
  hosts: readonly string[];
  /** Local mode only: plain http to a loopback simulator. */
  allowLoopbackHttp: boolean;
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);
const idSegment = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/;

/** `/<tenantId>/scopes/<partitionId>/jobsOData/<jobId>/Persons`, as the Viva Insights query's OData link reads. */
export const feedPathShape = '/<tenantId>/scopes/<partitionId>/jobsOData/<jobId>/Persons';

/** What is wrong with `url` as tenant `tenantId`'s feed; empty when it may be used. */
export function feedUrlProblems(url: string, tenantId: string, policy: FeedUrlPolicy): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return ['must be a URL'];
  }
  if (parsed.username || parsed.password) return ['must not carry credentials'];
  if (parsed.hash) return ['must not have a fragment'];
  const loopback = loopbackHosts.has(parsed.hostname);
  if (loopback && policy.allowLoopbackHttp) {
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return ['must be an http(s) URL'];
  } else {
    if (parsed.protocol !== 'https:') return ['must be an https URL'];
    if (!policy.hosts.includes(parsed.hostname) || parsed.port !== '') {
      return [`must be on a Viva Insights host (${policy.hosts.join(', ')}), on the default https port`];
    }
  }
  const segments = parsed.pathname.split('/').slice(1);
  const [tenant, scopes, partition, jobs, job, persons] = segments;
  const shaped =
    segments.length === 6 &&
    scopes?.toLowerCase() === 'scopes' &&
    jobs?.toLowerCase() === 'jobsodata' &&
    persons?.toLowerCase() === 'persons' &&
    idSegment.test(partition ?? '') &&
    idSegment.test(job ?? '');
  if (!shaped) return [`must be the person query's OData link, https://<host>${feedPathShape}`];
  if (tenant?.toLowerCase() !== tenantId.toLowerCase()) return ["must be a feed of your own organization: the tenant id in the path is not your tenant's"];
  return [];
}

/**
 * Whether `candidate` (a next link or a redirect) stays within the feed at `feedUrl`: same origin and
 * the same tenant's path. The token goes nowhere else.
 */
export function withinFeed(feedUrl: string, candidate: string): boolean {
  let feed: URL;
  let next: URL;
  try {
    feed = new URL(feedUrl);
    next = new URL(candidate, feedUrl);
  } catch {
    return false;
  }
  if (next.origin !== feed.origin || next.username || next.password) return false;
  const tenantPrefix = `/${feed.pathname.split('/')[1] ?? ''}/`.toLowerCase();
  return tenantPrefix !== '//' && next.pathname.toLowerCase().startsWith(tenantPrefix);
}
