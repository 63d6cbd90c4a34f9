import {
  Badge,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  Spinner,
  Tab,
  TabList,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title1,
} from '@fluentui/react-components';
import { Add16Regular, MoreHorizontal20Regular } from '@fluentui/react-icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ok } from '../api/client';
import { keys, useAttributes, usePrograms, useRoles, type Attribute, type Program } from '../api/queries';
import { AttributeRolesDrawer } from '../components/AttributeRolesDrawer';
import { CustomizeRanges } from '../components/CustomizeRanges';
import { ProblemBar } from '../components/ProblemBar';
import { ConfirmDialog, useCommonStyles } from '../components/ui';
import { usePortal } from '../context';
import { kindWords, statusWords } from '../lib/runs';
import { ImportConfirmation, useEnablePrograms } from './SelectPrograms';

// Manage Integration ("Import Viva Insights data" page): the Imported Attributes tab (+ Add attributes;
// the ellipsis menu: edit, customize ranges, delete) and the Enabled Programs tab (+ Add Programs;
// Remove program).

type TabValue = 'attributes' | 'programs';

export default function Manage() {
  const [params, setParams] = useSearchParams();
  const tab: TabValue = params.get('tab') === 'programs' ? 'programs' : 'attributes';
  const imported = params.get('imported');
  return (
    <>
      <Title1 as="h1">Import Viva Insights data</Title1>
      <TabList selectedValue={tab} onTabSelect={(_, d) => setParams(d.value === 'programs' ? { tab: 'programs' } : {}, { replace: true })}>
        <Tab value="attributes" id="tab-attributes" aria-controls="panel">
          Imported Attributes
        </Tab>
        <Tab value="programs" id="tab-programs" aria-controls="panel">
          Enabled Programs
        </Tab>
      </TabList>
      <div role="tabpanel" id="panel" aria-labelledby={tab === 'programs' ? 'tab-programs' : 'tab-attributes'}>
        {tab === 'attributes' ? <ImportedAttributes /> : <EnabledPrograms />}
      </div>
      <ImportConfirmation result={imported === null ? undefined : { runs: Number(imported) }} onClose={() => setParams({}, { replace: true })} />
    </>
  );
}

function ImportedAttributes() {
  const styles = useCommonStyles();
  const navigate = useNavigate();
  const { api } = usePortal();
  const queryClient = useQueryClient();
  const attributes = useAttributes();
  const roles = useRoles();
  const [editing, setEditing] = useState<Attribute | undefined>();
  const [customizing, setCustomizing] = useState<Attribute | undefined>();
  const [deleting, setDeleting] = useState<Attribute | undefined>();
  const remove = useMutation({
    mutationFn: (metricId: string) => ok(api.DELETE('/api/attributes/{metricId}', { params: { path: { metricId } } })),
    onSuccess: () => {
      setDeleting(undefined);
      for (const key of [keys.attributes, keys.runs, keys.catalog]) void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const roleName = (roleId: string) => roles.data?.roles.find((r) => r.roleId === roleId)?.name ?? roleId;

  return (
    <div className={styles.section}>
      <div className={styles.row}>
        <Button icon={<Add16Regular />} onClick={() => navigate('/setup')}>
          Add attributes
        </Button>
      </div>
      <ProblemBar error={attributes.error} />
      {attributes.isPending && <Spinner label="Loading attributes…" />}
      {attributes.data && attributes.data.attributes.length === 0 && <Text>No attribute is imported. Add attributes to bring behaviors into Glint.</Text>}
      {attributes.data && attributes.data.attributes.length > 0 && (
        <Table aria-label="Imported Attributes" className={styles.table}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Attribute</TableHeaderCell>
              <TableHeaderCell>Ranges</TableHeaderCell>
              <TableHeaderCell>Roles</TableHeaderCell>
              <TableHeaderCell>
                <span className="visually-hidden">Actions</span>
              </TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {attributes.data.attributes.map((a) => (
              <TableRow key={a.metricId}>
                <TableCell>{a.name}</TableCell>
                <TableCell>
                  {a.ranges.labels.join(' · ')}
                  {a.ranges.customized && (
                    <>
                      {' '}
                      <Badge appearance="outline">Customized</Badge>
                    </>
                  )}
                </TableCell>
                <TableCell>
                  {a.roles
                    .map((g) => `${roleName(g.roleId)} (${[g.reportFilters && 'report filters', g.reportSections && 'report sections', g.commentFilters && 'comment filters'].filter(Boolean).join(', ') || 'no use'})`)
                    .join('; ') || 'No role'}
                </TableCell>
                <TableCell>
                  <Menu>
                    <MenuTrigger disableButtonEnhancement>
                      <Button appearance="subtle" icon={<MoreHorizontal20Regular />} aria-label={`More actions for ${a.name}`} />
                    </MenuTrigger>
                    <MenuPopover>
                      <MenuList>
                        <MenuItem onClick={() => setEditing(a)}>Edit</MenuItem>
                        <MenuItem onClick={() => setCustomizing(a)}>Customize ranges</MenuItem>
                        <MenuItem onClick={() => setDeleting(a)}>Delete</MenuItem>
                      </MenuList>
                    </MenuPopover>
                  </Menu>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {editing && roles.data && (
        <AttributeRolesDrawer metric={{ id: editing.metricId, name: editing.name }} roles={roles.data.roles} grants={editing.roles} onClose={() => setEditing(undefined)} onSaved={() => setEditing(undefined)} />
      )}
      {customizing && <CustomizeRanges attribute={customizing} onClose={() => setCustomizing(undefined)} />}
      <ConfirmDialog
        open={deleting !== undefined}
        title={`Delete ${deleting?.name ?? 'attribute'}?`}
        confirm="Delete"
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting.metricId)}
        onCancel={() => (setDeleting(undefined), remove.reset())}
      >
        <Text as="p" block>
          By deleting an attribute, Glint deletes all previously imported attribute data, and this data is not included in future Glint program cycles. Changes may take a few hours to show on Glint reports.
        </Text>
      </ConfirmDialog>
    </div>
  );
}

function EnabledPrograms() {
  const styles = useCommonStyles();
  const { api } = usePortal();
  const queryClient = useQueryClient();
  const programs = usePrograms();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Program | undefined>();
  const enable = useEnablePrograms();
  const remove = useMutation({
    mutationFn: (programId: string) => ok(api.DELETE('/api/programs/{programId}/enable', { params: { path: { programId } } })),
    onSuccess: () => {
      setRemoving(undefined);
      for (const key of [keys.programs, keys.runs, keys.catalog]) void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const enabled = programs.data?.programs.filter((p) => p.enabled) ?? [];
  const available = programs.data?.programs.filter((p) => !p.enabled) ?? [];

  return (
    <div className={styles.section}>
      <div className={styles.row}>
        <Button icon={<Add16Regular />} onClick={() => setAdding(true)}>
          Add Programs
        </Button>
      </div>
      <ProblemBar error={programs.error} />
      {programs.isPending && <Spinner label="Loading programs…" />}
      {programs.data && enabled.length === 0 && <Text>No program is enabled. Add programs to import Viva Insights data for their cycles.</Text>}
      {enabled.length > 0 && (
        <Table aria-label="Enabled Programs" className={styles.table}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Program</TableHeaderCell>
              <TableHeaderCell>Cycles</TableHeaderCell>
              <TableHeaderCell>
                <span className="visually-hidden">Actions</span>
              </TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {enabled.map((p) => (
              <TableRow key={p.programId}>
                <TableCell>{p.name}</TableCell>
                <TableCell>
                  {p.cycles.map((c) => `${c.name}: ${c.importState.status === 'none' ? 'not imported' : `${kindWords.import} ${statusWords[c.importState.status].toLowerCase()}`}`).join('; ')}
                </TableCell>
                <TableCell>
                  <Menu>
                    <MenuTrigger disableButtonEnhancement>
                      <Button appearance="subtle" icon={<MoreHorizontal20Regular />} aria-label={`More actions for ${p.name}`} />
                    </MenuTrigger>
                    <MenuPopover>
                      <MenuList>
                        <MenuItem onClick={() => setRemoving(p)}>Remove program</MenuItem>
                      </MenuList>
                    </MenuPopover>
                  </Menu>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Dialog open={adding} onOpenChange={(_, d) => setAdding(d.open)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>Add Programs</DialogTitle>
            <DialogContent>
              <Text as="p" block>Each cycle imports 12 weeks of Insights data. Glint supports importing selected behavioral data for the past two cycles, up to 24 months.</Text>
              {available.length === 0 && <Text as="p" block>Every program is already enabled.</Text>}
              <ul>
                {available.map((p) => (
                  <li key={p.programId}>
                    {p.name}{' '}
                    <Button size="small" aria-label={`Add ${p.name}`} disabled={enable.isPending} onClick={() => (enable.mutate([p.programId]), setAdding(false))}>
                      Add
                    </Button>
                  </li>
                ))}
              </ul>
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setAdding(false)}>Close</Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
      <ProblemBar error={enable.error} />
      <ImportConfirmation result={enable.data} onClose={() => enable.reset()} />
      <ConfirmDialog
        open={removing !== undefined}
        title={`Remove ${removing?.name ?? 'program'}?`}
        confirm="Remove"
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => removing && remove.mutate(removing.programId)}
        onCancel={() => (setRemoving(undefined), remove.reset())}
      >
        <Text as="p" block>Glint stops importing Viva Insights data for this program and deletes the data already imported for its cycles.</Text>
      </ConfirmDialog>
    </div>
  );
}
