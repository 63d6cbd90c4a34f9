import { useQuery } from '@tanstack/react-query';
import { usePortal } from '../context';
import { ok } from './client';

// One query per API read, keyed so that a change can invalidate exactly what it affects. Screens that
// watch work in progress poll (refetchInterval) only while something is queued or running.

// The shapes as the typed client hands them out (openapi-fetch's reading of the generated schema).
type Data<H extends (...args: never[]) => { data: unknown }> = NonNullable<ReturnType<H>['data']>;
export type Consent = Data<typeof useConsent>;
export type Metric = Data<typeof useMetrics>['metrics'][number];
export type Role = Data<typeof useRoles>['roles'][number];
export type Attribute = Data<typeof useAttributes>['attributes'][number];
export type AttributeRole = Attribute['roles'][number];
export type Program = Data<typeof usePrograms>['programs'][number];
export type Run = Data<typeof useRuns>['runs'][number];
export type Catalog = Data<typeof useCatalog>;
export type Confidentiality = Data<typeof useConfidentiality>;
export type DataQuality = Data<typeof useDataQuality>;
export type Source = NonNullable<Data<typeof useSource>>;

export const keys = {
  consent: ['consent'],
  metrics: ['metrics'],
  roles: ['roles'],
  attributes: ['attributes'],
  programs: ['programs'],
  runs: ['imports'],
  source: ['insights-source'],
  confidentiality: ['confidentiality'],
  dataQuality: ['data-quality'],
  catalog: ['catalog'],
  audit: ['audit'],
  files: ['insights-files'],
  employeesSummary: ['employees-summary'],
  diagnostics: (runId: string) => ['imports', runId, 'diagnostics'] as const,
} as const;

export function useConsent() {
  const { api } = usePortal();
  return useQuery({ queryKey: keys.consent, queryFn: () => ok(api.GET('/api/consent')) });
}
export function useMetrics() {
  const { api } = usePortal();
  return useQuery({ queryKey: keys.metrics, queryFn: () => ok(api.GET('/api/metrics')), staleTime: Infinity });
}
export function useRoles() {
  const { api } = usePortal();
  return useQuery({ queryKey: keys.roles, queryFn: () => ok(api.GET('/api/roles')) });
}
export function useAttributes() {
  const { api } = usePortal();
  return useQuery({ queryKey: keys.attributes, queryFn: () => ok(api.GET('/api/attributes')) });
}
export function usePrograms() {
  const { api } = usePortal();
  return useQuery({ queryKey: keys.programs, queryFn: () => ok(api.GET('/api/programs')) });
}
/** Polls every `pollMs` while a run is queued or running. */
export function useRuns(pollMs: number) {
  const { api } = usePortal();
  return useQuery({
    queryKey: keys.runs,
    queryFn: () => ok(api.GET('/api/imports')),
    refetchInterval: (query) => (query.state.data?.runs.some((r) => r.status === 'queued' || r.status === 'running') ? pollMs : false),
  });
}
export function useEmployeesSummary() {
  const { api } = usePortal();
  return useQuery({ queryKey: keys.employeesSummary, queryFn: () => ok(api.GET('/api/employees/summary')) });
}
export function useSource() {
  const { api } = usePortal();
  // 404 means "not set yet", an answer, not an error.
  return useQuery({
    queryKey: keys.source,
    queryFn: async () => {
      const { data, response } = await api.GET('/api/insights-source');
      if (response.status === 404) return null;
      return ok(Promise.resolve({ data, response, error: response.ok ? undefined : await response.clone().json().catch(() => undefined) }));
    },
  });
}
export function useExportFiles() {
  const { api } = usePortal();
  return useQuery({ queryKey: keys.files, queryFn: () => ok(api.GET('/api/insights-files')) });
}
export function useConfidentiality() {
  const { api } = usePortal();
  return useQuery({ queryKey: keys.confidentiality, queryFn: () => ok(api.GET('/api/settings/confidentiality')) });
}
export function useDataQuality() {
  const { api } = usePortal();
  return useQuery({ queryKey: keys.dataQuality, queryFn: () => ok(api.GET('/api/settings/data-quality')) });
}
export function useCatalog() {
  const { api } = usePortal();
  return useQuery({ queryKey: keys.catalog, queryFn: () => ok(api.GET('/api/reports/catalog')) });
}
