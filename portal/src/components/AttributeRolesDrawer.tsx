import {
  Button,
  Checkbox,
  DrawerBody,
  DrawerFooter,
  DrawerHeader,
  DrawerHeaderTitle,
  OverlayDrawer,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { Dismiss24Regular } from '@fluentui/react-icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ok } from '../api/client';
import { keys, type AttributeRole, type Role } from '../api/queries';
import { usePortal } from '../context';
import { asApiError } from '../lib/problem';
import { ProblemBar } from './ProblemBar';

// The seed's slide-over panel: "select at least one role to add to this attribute", and in the role
// row whether it may use the attribute in report filters, report sections or comment filters. A flag
// the role itself lacks is greyed out (disabled), as the API would refuse it (422).

const flags = [
  { key: 'reportFilters', label: 'Report filters' },
  { key: 'reportSections', label: 'Report sections' },
  { key: 'commentFilters', label: 'Comment filters' },
] as const;
type Flag = (typeof flags)[number]['key'];

export function AttributeRolesDrawer(props: {
  metric: { id: string; name: string };
  roles: Role[];
  /** The attribute's grants when editing; undefined when adding. */
  grants: AttributeRole[] | undefined;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { api } = usePortal();
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<Map<string, AttributeRole>>(() => new Map((props.grants ?? []).map((g) => [g.roleId, g])));
  const ordered = () => props.roles.filter((r) => selected.has(r.roleId)).map((r) => selected.get(r.roleId)!);
  const save = useMutation({
    mutationFn: () =>
      props.grants
        ? ok(api.PATCH('/api/attributes/{metricId}', { params: { path: { metricId: props.metric.id } }, body: { roles: ordered() } }))
        : ok(api.POST('/api/attributes', { body: { metricId: props.metric.id, roles: ordered() } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.attributes });
      void queryClient.invalidateQueries({ queryKey: keys.catalog });
      props.onSaved();
    },
  });
  const error = asApiError(save.error);
  const sentIndex = (roleId: string) => ordered().findIndex((g) => g.roleId === roleId);

  const toggleRole = (role: Role, on: boolean) => {
    const next = new Map(selected);
    // A newly selected role starts with every use its permissions allow.
    if (on) next.set(role.roleId, { roleId: role.roleId, ...role.permissions });
    else next.delete(role.roleId);
    setSelected(next);
  };
  const toggleFlag = (role: Role, flag: Flag, on: boolean) => {
    const grant = selected.get(role.roleId);
    if (grant) setSelected(new Map(selected).set(role.roleId, { ...grant, [flag]: on }));
  };

  return (
    <OverlayDrawer open position="end" size="large" onOpenChange={(_, data) => !data.open && props.onClose()}>
      <DrawerHeader>
        <DrawerHeaderTitle action={<Button appearance="subtle" aria-label="Close" icon={<Dismiss24Regular />} onClick={props.onClose} />}>
          Select roles for this attribute
        </DrawerHeaderTitle>
      </DrawerHeader>
      <DrawerBody>
        <Text as="p" block weight="semibold">
          {props.metric.name}
        </Text>
        <Text as="p" block>Select at least one role. Roles are prepopulated from your User Roles; in each role row choose where that role may use this attribute.</Text>
        {props.roles.length === 0 ? (
          <Text as="p" block>No user roles are configured in Glint yet, so there is no role to grant this attribute to.</Text>
        ) : (
          <Table aria-label={`Roles for ${props.metric.name}`}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Role</TableHeaderCell>
                {flags.map((f) => (
                  <TableHeaderCell key={f.key}>{f.label}</TableHeaderCell>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {props.roles.map((role) => {
                const grant = selected.get(role.roleId);
                const index = sentIndex(role.roleId);
                const rowError = index >= 0 ? error?.fieldMessage(`body.roles.${index}`) : undefined;
                return (
                  <TableRow key={role.roleId}>
                    <TableCell>
                      <Checkbox label={role.name} checked={grant !== undefined} onChange={(_, d) => toggleRole(role, Boolean(d.checked))} />
                      {rowError && (
                        <Text as="p" block size={200} style={{ color: tokens.colorPaletteRedForeground1 }}>
                          {rowError}
                        </Text>
                      )}
                    </TableCell>
                    {flags.map((f) => (
                      <TableCell key={f.key}>
                        <Checkbox
                          aria-label={`${f.label} for ${role.name}`}
                          checked={grant?.[f.key] ?? false}
                          disabled={!grant || !role.permissions[f.key]}
                          title={role.permissions[f.key] ? undefined : `${role.name} does not have the ${f.label.toLowerCase()} permission`}
                          onChange={(_, d) => toggleFlag(role, f.key, Boolean(d.checked))}
                        />
                      </TableCell>
                    ))}
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
        <Text as="p" block size={200}>
          Greyed out: the role does not have that permission in Glint, so it cannot be given here.
        </Text>
        <ProblemBar error={save.error} claimed={ordered().map((_, i) => `body.roles.${i}`)} />
      </DrawerBody>
      <DrawerFooter>
        <Button appearance="primary" disabled={selected.size === 0 || save.isPending} onClick={() => save.mutate()}>
          Save
        </Button>
        <Button onClick={props.onClose}>Cancel</Button>
      </DrawerFooter>
    </OverlayDrawer>
  );
}
