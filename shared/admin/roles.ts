import type { Principal } from '../auth/principal';
import { glintAdminRole, glintPlatformRole } from '../auth/principal';
import { notFound, ruleViolation } from '../domain/errors';
import { permissionFlags, put, remove, replace, tenantRanges, tenantRows, type Permissions, type StoredRole } from '../storage/tenant-rows';
import type { Write } from '../storage/tenant-store';
import { applyChange } from '../work/change';
import type { WorkDeps } from '../work/deps';

// Glint user roles, prepopulated by the platform (SPEC section 6). A role's own permissions bound what
// an attribute may grant it; narrowing them clears the grants they no longer allow.

export async function listRoles(deps: WorkDeps, principal: Principal): Promise<StoredRole[]> {
  return (await deps.store.list(principal.tenantId, tenantRanges.roles)).map((r) => r.value);
}

export async function putRole(deps: WorkDeps, principal: Principal, roleId: string, input: { name: string; permissions: Permissions }): Promise<{ role: StoredRole; created: boolean }> {
  if (roleId === glintAdminRole || roleId === glintPlatformRole) {
    throw ruleViolation([{ path: 'params.roleId', message: `${roleId} is an app role of this service, not a Glint user role` }]);
  }
  return applyChange(deps, principal, async () => {
    const current = await deps.store.get(principal.tenantId, tenantRows.role(roleId));
    const role: StoredRole = { roleId, name: input.name, permissions: input.permissions, updatedAt: deps.now().toISOString() };
    const writes: Write[] = [put(tenantRows.role(roleId), current, role)];
    for (const attribute of await deps.store.list(principal.tenantId, tenantRanges.attributes)) {
      const roles = attribute.value.roles.map((grant) =>
        grant.roleId === roleId ? { ...grant, ...Object.fromEntries(permissionFlags.map((f) => [f, grant[f] && input.permissions[f]])) } : grant,
      );
      if (JSON.stringify(roles) !== JSON.stringify(attribute.value.roles)) {
        writes.push(replace(attribute, { ...attribute.value, roles, updatedAt: role.updatedAt }));
      }
    }
    return { writes, audit: { action: 'role.put', target: `role/${roleId}`, before: current?.value ?? null, after: role }, result: { role, created: !current } };
  });
}

export async function deleteRole(deps: WorkDeps, principal: Principal, roleId: string): Promise<void> {
  await applyChange(deps, principal, async () => {
    const current = await deps.store.get(principal.tenantId, tenantRows.role(roleId));
    if (!current) throw notFound(`Role ${roleId}`);
    const writes: Write[] = [remove(current)];
    const now = deps.now().toISOString();
    for (const attribute of await deps.store.list(principal.tenantId, tenantRanges.attributes)) {
      if (attribute.value.roles.some((g) => g.roleId === roleId)) {
        const roles = attribute.value.roles.filter((g) => g.roleId !== roleId);
        writes.push(replace(attribute, { ...attribute.value, roles, updatedAt: now }));
      }
    }
    return { writes, audit: { action: 'role.delete', target: `role/${roleId}`, before: current.value, after: null }, result: undefined };
  });
}
