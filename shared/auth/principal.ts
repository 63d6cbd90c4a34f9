// Who is calling, as established from a verified token (SPEC section 2). Pure: no I/O, no SDK types.

/** The Entra ID directory role template id of Global Administrator, as it appears in `wids`. */
export const globalAdministratorRoleId = '62e90394-69f5-4237-9190-012177145e10';
export const glintAdminRole = 'Glint.Admin';
export const glintPlatformRole = 'Glint.Platform';

export interface Principal {
  /** The tenant (`tid`): the only source of tenant for every read and write. */
  tenantId: string;
  /** The caller's object id (`oid`), or the app's for app-only tokens; recorded in the audit log. */
  objectId: string;
  /** The `roles` claim: app roles (Glint.Admin, Glint.Platform) and Glint user role ids. */
  roles: string[];
  isGlobalAdmin: boolean;
  isGlintAdmin: boolean;
  isPlatform: boolean;
}

export interface VerifiedClaims {
  tid: string;
  oid?: string;
  sub?: string;
  roles?: unknown;
  wids?: unknown;
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

export function principalFromClaims(claims: VerifiedClaims): Principal {
  const roles = stringList(claims.roles);
  return {
    tenantId: claims.tid.toLowerCase(),
    objectId: claims.oid ?? claims.sub ?? 'unknown',
    roles,
    isGlobalAdmin: stringList(claims.wids).includes(globalAdministratorRoleId),
    isGlintAdmin: roles.includes(glintAdminRole),
    isPlatform: roles.includes(glintPlatformRole),
  };
}

/** The kinds of caller a route may admit. */
export type Audience = 'globalAdmin' | 'glintAdmin' | 'platform' | 'authenticated';

export function admits(principal: Principal, audiences: readonly Audience[]): boolean {
  return audiences.some(
    (a) =>
      a === 'authenticated' ||
      (a === 'globalAdmin' && principal.isGlobalAdmin) ||
      (a === 'glintAdmin' && principal.isGlintAdmin) ||
      (a === 'platform' && principal.isPlatform),
  );
}
