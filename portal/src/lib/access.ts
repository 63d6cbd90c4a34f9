// Who sees what (SPEC section 2), read from the access token's claims. The API decides every request;
// the portal only leaves out what a caller could not use.

export const globalAdministratorRoleId = '62e90394-69f5-4237-9190-012177145e10';

export interface Caller {
  isGlobalAdmin: boolean;
  isGlintAdmin: boolean;
  /** Roles other than the app roles: Glint user roles, which reports are granted to. */
  userRoles: string[];
}

export function callerFromToken(token: string): Caller {
  const claims = decodePayload(token);
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  const wids = Array.isArray(claims.wids) ? claims.wids : [];
  return {
    isGlobalAdmin: wids.includes(globalAdministratorRoleId),
    isGlintAdmin: roles.includes('Glint.Admin'),
    userRoles: roles.filter((r) => r !== 'Glint.Admin' && r !== 'Glint.Platform'),
  };
}

function decodePayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export type Screen = 'integration' | 'imports' | 'reports' | 'settings' | 'audit';

export const screenTitles: Record<Screen, string> = {
  integration: 'Viva Insights integration',
  imports: 'Import status',
  reports: 'Reports',
  settings: 'Settings',
  audit: 'Audit log',
};

export const screenPaths: Record<Screen, string> = { integration: '/', imports: '/imports', reports: '/reports', settings: '/settings', audit: '/audit' };

/** The screens a caller may open, in navigation order. */
export function screensFor(caller: Caller): Screen[] {
  const screens: Screen[] = [];
  if (caller.isGlobalAdmin || caller.isGlintAdmin) screens.push('integration');
  if (caller.isGlintAdmin) screens.push('imports');
  if (caller.isGlintAdmin || caller.userRoles.length > 0) screens.push('reports');
  if (caller.isGlintAdmin) screens.push('settings');
  if (caller.isGlobalAdmin || caller.isGlintAdmin) screens.push('audit');
  return screens;
}
