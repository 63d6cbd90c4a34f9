import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, Title1, tokens } from '@fluentui/react-components';
import { Checkmark16Filled } from '@fluentui/react-icons';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useAttributes, useMetrics, usePrograms, useRoles, type Metric } from '../api/queries';
import { AttributeRolesDrawer } from '../components/AttributeRolesDrawer';
import { ProblemBar } from '../components/ProblemBar';
import { useCommonStyles } from '../components/ui';

// Step 1 of 2: "decide which behavioral attributes to import into Glint". Set up integration opens
// it with the Get Started window on top; Add opens the roles panel; Save shows the attribute as Added.
// At least one attribute is needed to continue to Select Programs. (Windows never navigate away from
// inside themselves: a Fluent modal unmounted while open left the next screen aria-hidden.)

export default function Setup() {
  const styles = useCommonStyles();
  const navigate = useNavigate();
  const metrics = useMetrics();
  const roles = useRoles();
  const attributes = useAttributes();
  const programs = usePrograms();
  const [adding, setAdding] = useState<Metric | undefined>();
  const [params, setParams] = useSearchParams();
  const getStarted = params.has('start');
  const added = new Set(attributes.data?.attributes.map((a) => a.metricId));
  const managing = programs.data?.programs.some((p) => p.enabled) ?? false;

  return (
    <>
      <Text>Step 1 of 2</Text>
      <Title1 as="h1">Add behavioral attributes from Viva Insights</Title1>
      <Text as="p" block>
        Decide which behavioral attributes to import into Glint. Attributes are numerically split into four different ranges, defined by Glint. Ranges can be customized after setup. Glint will also respect Viva Insights confidentiality thresholds on Glint
        reports and dashboards.
      </Text>
      <ProblemBar error={metrics.error ?? roles.error ?? attributes.error} />
      {metrics.isPending && <Spinner label="Loading metrics…" />}
      {metrics.data && (
        <Table aria-label="Viva Insights metrics" className={styles.table}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Attribute</TableHeaderCell>
              <TableHeaderCell>Default ranges</TableHeaderCell>
              <TableHeaderCell>Unit</TableHeaderCell>
              <TableHeaderCell>
                <span className="visually-hidden">Action</span>
              </TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {metrics.data.metrics.map((metric) => (
              <TableRow key={metric.id}>
                <TableCell>
                  <Text weight="semibold">{metric.name}</Text>
                  <br />
                  <Text size={200}>{metric.description}</Text>
                </TableCell>
                <TableCell>{metric.defaultLabels.join(' · ')}</TableCell>
                <TableCell>{metric.unit === 'hour' ? 'Hour' : 'Count'}</TableCell>
                <TableCell>
                  {added.has(metric.id) ? (
                    <Text style={{ color: tokens.colorPaletteGreenForeground1, display: 'inline-flex', gap: tokens.spacingHorizontalXS, alignItems: 'center' }}>
                      <Checkmark16Filled aria-hidden /> Added
                    </Text>
                  ) : (
                    <Button aria-label={`Add ${metric.name}`} disabled={!roles.data || !attributes.data} onClick={() => setAdding(metric)}>
                      Add
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <div className={styles.footer}>
        {added.size === 0 && <Text>Add at least one attribute to continue.</Text>}
        {managing && <Button onClick={() => navigate('/manage')}>Back to Manage Integration</Button>}
        <Button appearance="primary" disabled={added.size === 0} onClick={() => navigate('/setup/programs')}>
          Select Programs
        </Button>
      </div>
      <Dialog open={getStarted} onOpenChange={(_, d) => !d.open && setParams({}, { replace: true })}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>Import Viva Insights data</DialogTitle>
            <DialogContent>
              <Text as="p" block>Import behavioral data from Viva Insights into Glint in two steps:</Text>
              <ol>
                <li>Add behavioral attributes and choose which roles may use them in report filters, report sections and comment filters.</li>
                <li>Select the programs whose cycles import 12 weeks of Insights data each.</li>
              </ol>
              <Text as="p" block>Glint respects Viva Insights confidentiality thresholds on Glint reports and dashboards.</Text>
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" onClick={() => setParams({}, { replace: true })}>
                Get Started
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
      {adding && roles.data && <AttributeRolesDrawer metric={adding} roles={roles.data.roles} grants={undefined} onClose={() => setAdding(undefined)} onSaved={() => setAdding(undefined)} />}
    </>
  );
}
