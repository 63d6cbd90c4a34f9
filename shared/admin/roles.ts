import type { Principal } from '../auth/principal';
import { glintAdminRole, glintPlatformRole } from '../auth/principal';
import { notFound, ruleViolation } from '../domain/errors';
import type { Write } from '../storage/tenant-store';
import { permissionFlags, storedAttribute, storedRole, type Permissions, type StoredAttribute, type StoredRole } from './schemas';
import { applyChange, type AdminDeps } from './tenant-config';

// Glint user roles, prepopulated by the platform (SPEC section 6). A role's own permissions bound what
// an attribute may grant it; narrowing them clears the grants they no longer allow.

const roleKey = (roleId: string) => `role:${roleId}`;

export async function listRoles(deps: AdminDeps, principal: Principal): Promise<StoredRole[]> {
  return (await deps.store.list(principal.tenantId, 'role:', storedRole)).map((r) => r.value);
}

export async function putRole(deps: AdminDeps, principal: Principal, roleId: string, input: { name: string; permissions: Permissions }): Promise<{ role: StoredRole; created: boolean }> {
  if (roleId === glintAdminRole || roleId === glintPlatformRole) {
    throw ruleViolation([{ path: 'params.roleId', message: `${roleId} is an app role of this service, not a Glint user role` }]);
  }
  return applyChange(deps, principal, async () => {
    const current = await deps.store.get(principal.tenantId, roleKey(roleId), storedRole);
    const role: StoredRole = { roleId, name: input.name, permissions: input.permissions, updatedAt: deps.now().toISOString() };
    const writes: Write[] = [current ? { op: 'replace', rowKey: roleKey(roleId), value: role, etag: current.etag } : { op: 'create', rowKey: roleKey(roleId), value: role }];
    for (const attribute of await deps.store.list(principal.tenantId, 'attribute:', storedAttribute)) {
      const roles = attribute.value.roles.map((grant) =>
        grant.roleId === roleId ? { ...grant, ...Object.fromEntries(permissionFlags.map((f) => [f, grant[f] && input.permissions[f]])) } : grant,
      );
      if (JSON.stringify(roles) !== JSON.stringify(attribute.value.roles)) {
        writes.push({ op: 'replace', rowKey: attribute.rowKey, etag: attribute.etag, value: { ...attribute.value, roles, updatedAt: role.updatedAt } satisfies StoredAttribute });
      }
    }
    return { writes, audit: { action: 'role.put', target: `role/${roleId}`, before: current?.value ?? null, after: role }, result: { role, created: !current } };
  });
}

export async function deleteRole(deps: AdminDeps, principal: Principal, roleId: string): Promise<void> {
  await applyChange(deps, principal, async () => {
    const current = await deps.store.get(principal.tenantId, roleKey(roleId), storedRole);
    if (!current) throw notFound(`Role ${roleId}`);
    const writes: Write[] = [{ op: 'delete', rowKey: roleKey(roleId) }];
    const now = deps.now().toISOString();
    for (const attribute of await deps.store.list(principal.tenantId, 'attribute:', storedAttribute)) {
      if (attribute.value.roles.some((g) => g.roleId === roleId)) {
        const roles = attribute.value.roles.filter((g) => g.roleId !== roleId);
        writes.push({ op: 'replace', rowKey: attribute.rowKey, etag: attribute.etag, value: { ...attribute.value, roles, updatedAt: now } });
      }
    }
    return { writes, audit: { action: 'role.delete', target: `role/${roleId}`, before: current.value, after: null }, result: undefined };
  });
}
