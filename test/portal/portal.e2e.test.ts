import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { httpPlatformCall, sampleExportShape, seedDemoTenant } from '../../local/demo-tenant';
import { startInsightsSimulator, type InsightsSimulator } from '../../local/insights-simulator';
import { syntheticRecords } from '../../local/synthetic-person-query';
import { repoRoot, waitFor } from '../support/local-stack';
import { glintAdmin, globalAdmin, newTenant, platform, startAppStack, type AppStack } from '../support/app-stack';
import { capture, launchBrowser, signIn } from './support/browser';
import { expectPage, expectUi } from './support/expect-ui';

// The portal in a real browser against the local stack (the app on the local host with Azurite, the
// Viva Insights simulator serving the generated people, Glint's part seeded as `npm start` does). One
// test per journey; elements are found by role and accessible name, and every screen passes axe.

jest.setTimeout(240_000);

let stack: AppStack;
let simulator: InsightsSimulator;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(path.join(repoRoot, 'portal', 'dist', 'index.html'))) throw new Error('portal/dist is missing: run npm run build (npm test does)');
  stack = await startAppStack({}, { portal: true });
  simulator = await startInsightsSimulator({ records: () => syntheticRecords(sampleExportShape()), pageSize: 1_000, port: 0, keysDir: stack.keysDir });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await simulator?.stop();
});

/** A fresh tenant with what the Glint platform would have sent: roles, a program, items, responses. */
async function seededTenant(): Promise<string> {
  const tenantId = newTenant();
  await seedDemoTenant(httpPlatformCall(stack.url, await platform(stack, tenantId)));
  return tenantId;
}

const afterHours = 'After-hours collaboration hours';

async function openMenuItem(page: Page, owner: string, item: string): Promise<void> {
  // Keyboard: the ellipsis button, Enter opens the menu, then the item by its name.
  await page.getByRole('button', { name: `More actions for ${owner}` }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('menuitem', { name: item }).click();
}

it("walks the seed's flow from a fresh tenant: consent, set up, import, customize, delete, remove", async () => {
  const tenantId = await seededTenant();

  // The Global Administrator consents in the data-sharing window (keyboard only).
  const global = await signIn(browser, stack.url, 'Global Administrator', tenantId);
  const sharing = global.getByRole('dialog', { name: 'Manage data sharing' });
  await expectUi(sharing).toBeVisible();
  await expectUi(sharing.getByText(/Agreement version: Microsoft Viva Preview Agreement/)).toBeVisible();
  await capture(global, '01-data-sharing-window');
  const checkbox = sharing.getByRole('checkbox', { name: /Share Viva Insights data with Viva Glint/ });
  await checkbox.focus();
  await global.keyboard.press('Space');
  await expectUi(checkbox).toBeChecked();
  await sharing.getByRole('button', { name: 'Done' }).press('Enter');
  await expectUi(global.getByText(/Data sharing is on since/)).toBeVisible();
  await global.getByRole('button', { name: 'Learn more' }).click();
  await expectUi(global.getByRole('dialog', { name: 'Viva Glint and Viva Insights' })).toBeVisible();
  await capture(global, '02-learn-more');
  await global.getByRole('button', { name: 'Close' }).click();
  await global.context().close();

  // The Glint Administrator points the import at the simulator, then sets up the integration.
  const page = await signIn(browser, stack.url, 'Glint Administrator', tenantId);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('textbox', { name: 'Person query URL' }).fill('not a url');
  await page.getByRole('button', { name: 'Save source' }).click();
  // The API's field error appears under the field that caused it.
  await expectUi(page.getByText('Invalid URL')).toBeVisible();
  await page.getByRole('textbox', { name: 'Person query URL' }).fill(simulator.feedUrl(tenantId));
  await page.getByRole('button', { name: 'Save source' }).click();
  await expectUi(page.getByRole('status').filter({ hasText: 'Source saved.' })).toBeVisible();
  await capture(page, '03-settings');

  await page.getByRole('link', { name: 'Viva Insights integration' }).click();
  await capture(page, '04-integration-home');
  await page.getByRole('button', { name: 'Set up integration' }).click();
  await page.getByRole('dialog', { name: 'Import Viva Insights data' }).getByRole('button', { name: 'Get Started' }).click();
  await expectUi(page.getByText('Step 1 of 2')).toBeVisible();
  await expectUi(page.getByRole('button', { name: 'Select Programs' })).toBeDisabled();
  await capture(page, '05-step-1-add-attributes');

  await page.getByRole('button', { name: `Add ${afterHours}` }).click();
  const drawer = page.getByRole('dialog', { name: 'Select roles for this attribute' });
  await drawer.getByRole('checkbox', { name: 'Managers', exact: true }).check();
  await drawer.getByRole('checkbox', { name: 'HR business partners', exact: true }).check();
  // Managers lack the comment filters permission: greyed out, as in the seed.
  await expectUi(drawer.getByRole('checkbox', { name: 'Comment filters for Managers' })).toBeDisabled();
  await expectUi(drawer.getByRole('checkbox', { name: 'Comment filters for HR business partners' })).toBeEnabled();
  await expectUi(drawer.getByRole('checkbox', { name: 'Report sections for Managers' })).toBeChecked();
  await capture(page, '06-select-roles-panel');
  await drawer.getByRole('button', { name: 'Save' }).click();
  await expectUi(drawer).toBeHidden();
  const afterHoursRow = page.getByRole('row', { name: new RegExp(afterHours) });
  await expectUi(afterHoursRow.getByText('Added')).toBeVisible();

  await page.getByRole('button', { name: 'Add Meeting hours', exact: true }).click();
  await drawer.getByRole('checkbox', { name: 'HR business partners', exact: true }).check();
  await drawer.getByRole('button', { name: 'Save' }).click();
  await expectUi(page.getByRole('row', { name: /^Meeting hours Number of hours/ }).getByText('Added')).toBeVisible();
  await capture(page, '07-attributes-added');

  await page.getByRole('button', { name: 'Select Programs' }).click();
  await expectUi(page.getByText('Step 2 of 2')).toBeVisible();
  await page.getByRole('checkbox', { name: 'Engagement survey' }).check();
  await capture(page, '08-step-2-select-programs');
  await page.getByRole('button', { name: 'Import behaviors' }).click();
  const confirmation = page.getByRole('dialog', { name: 'Behaviors added' });
  await expectUi(confirmation).toContainText('2 cycles');
  await capture(page, '09-behaviors-added');
  await confirmation.getByRole('button', { name: 'Close' }).click();
  // The modal keeps the page inert until it has left; only then is the rest of the page usable.
  await expectUi(confirmation).toBeHidden();
  await expectUi(page.getByRole('heading', { name: 'Import Viva Insights data', level: 1 })).toBeVisible();

  // Import status: live progress until both backfilled cycles have succeeded.
  await page.getByRole('link', { name: 'Import status' }).click();
  await expectUi(page.getByRole('progressbar').first()).toBeVisible();
  await capture(page, '10-import-status-running');
  const imports = page.getByRole('region', { name: /^Import · Engagement survey/ });
  await expectUi(imports).toHaveCount(2);
  await expectUi(imports.filter({ hasText: 'Succeeded' })).toHaveCount(2, { timeout: 120_000 });
  await expectUi(imports.first()).toContainText(/(\d+) of \1 chunks/);
  await expectUi(imports.first()).toContainText('Matched employees');
  await capture(page, '11-import-status-succeeded');
  // Glint's eight new hires have no Insights data yet: the import says why.
  await expectUi(page.getByText('Employees measured by Viva Insights (latest window)')).toBeVisible();
  await imports.first().getByRole('button', { name: /^Why some Glint employees have no data/ }).click();
  const why = page.getByRole('dialog', { name: 'Glint employees without Viva Insights data' });
  await expectUi(why.getByRole('row', { name: /^Not in the Viva Insights person query 8$/ })).toBeVisible();
  await expectUi(why.getByRole('row', { name: /newhire0@contoso\.com/ }).first()).toContainText('Not in the Viva Insights person query');
  await capture(page, '11b-import-diagnostics');
  await why.getByRole('button', { name: 'Close' }).click();
  await expectUi(why).toBeHidden();

  // Customize ranges: the preview follows what is typed.
  await page.getByRole('link', { name: 'Viva Insights integration' }).click();
  await page.getByRole('button', { name: 'Manage Integration' }).click();
  await expectUi(page.getByRole('tab', { name: 'Imported Attributes', selected: true })).toBeVisible();
  await capture(page, '12-manage-imported-attributes');
  await openMenuItem(page, afterHours, 'Customize ranges');
  const ranges = page.getByRole('dialog', { name: `Customize ranges: ${afterHours}` });
  const firstRangeCount = ranges.getByRole('row', { name: /^Range 1/ }).getByRole('cell').nth(3);
  await expectUi(firstRangeCount).toHaveText(/^\d+$/, { timeout: 30_000 });
  const before = Number(await firstRangeCount.textContent());
  await ranges.getByRole('spinbutton', { name: 'Max of range 1' }).fill('2.5');
  await expectUi(firstRangeCount).not.toHaveText(String(before), { timeout: 15_000 });
  await expectUi(firstRangeCount).toHaveText(/^\d+$/);
  expect(Number(await firstRangeCount.textContent())).toBeGreaterThan(before);
  // A mistake is shown at the field while typing, before anything is sent.
  await ranges.getByRole('spinbutton', { name: 'Max of range 2' }).fill('2');
  await expectUi(ranges.getByText('Must be greater than the range above (2.5).')).toBeVisible();
  await expectUi(ranges.getByRole('button', { name: 'Save' })).toBeDisabled();
  await ranges.getByRole('spinbutton', { name: 'Max of range 2' }).fill('4');
  await capture(page, '13-customize-ranges-preview');
  await ranges.getByRole('button', { name: 'Save' }).click();
  await expectUi(ranges).toBeHidden();
  await expectUi(page.getByRole('row', { name: new RegExp(afterHours) })).toContainText('0 to less than 2.5');

  // Delete an attribute, with the seed's confirmation.
  await openMenuItem(page, 'Meeting hours', 'Delete');
  const deleting = page.getByRole('alertdialog', { name: 'Delete Meeting hours?' });
  await expectUi(deleting).toContainText('Glint deletes all previously imported attribute data');
  await capture(page, '14-delete-attribute');
  await deleting.getByRole('button', { name: 'Delete' }).click();
  await expectUi(page.getByRole('row', { name: /Meeting hours/ })).toHaveCount(0);

  // Remove the program on the Enabled Programs tab.
  await page.getByRole('tab', { name: 'Enabled Programs' }).click();
  await expectUi(page.getByRole('row', { name: /Engagement survey/ })).toBeVisible();
  await capture(page, '15-manage-enabled-programs');
  await openMenuItem(page, 'Engagement survey', 'Remove program');
  await page.getByRole('alertdialog', { name: 'Remove Engagement survey?' }).getByRole('button', { name: 'Remove' }).click();
  await expectUi(page.getByText('No program is enabled.')).toBeVisible();

  await page.getByRole('link', { name: 'Audit log' }).click();
  await expectUi(page.getByRole('cell', { name: 'glint-admin@local' }).first()).toBeVisible();
  await capture(page, '16-audit-log');
  await page.context().close();
});

it('shows a report viewer the heatmap of their granted attribute only, with no way to the others', async () => {
  const tenantId = await seededTenant();
  const [admin, global] = await Promise.all([glintAdmin(stack, tenantId), globalAdmin(stack, tenantId)]);
  const call = async (method: string, route: string, token: string, body?: unknown) => {
    const response = await stack.call(method, route, { token, body });
    if (response.status >= 300) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const { agreementVersion } = await call('GET', '/api/consent', global);
  await call('PUT', '/api/consent', global, { accept: true, agreementVersion });
  await call('PUT', '/api/insights-source', admin, { type: 'odata', url: simulator.feedUrl(tenantId) });
  await call('POST', '/api/attributes', admin, { metricId: 'afterHoursCollaborationHours', roles: [{ roleId: 'managers', reportFilters: true, reportSections: true, commentFilters: false }] });
  await call('POST', '/api/attributes', admin, { metricId: 'meetingHours', roles: [{ roleId: 'hr', reportFilters: true, reportSections: true, commentFilters: true }] });
  await call('POST', '/api/programs/engagement/enable', admin);
  const report = '/api/reports/programs/engagement/cycles/autumn/behaviors/afterHoursCollaborationHours';
  await waitFor(async () => (await stack.call('GET', report, { token: admin })).status === 200, 'the autumn report', 120_000);

  const page = await signIn(browser, stack.url, 'Report viewer (Managers)', tenantId);
  await expectPage(page).toHaveURL(/\/reports$/);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expectUi(nav.getByRole('link')).toHaveText(['Reports']);
  await page.getByRole('combobox', { name: 'Cycle' }).selectOption('autumn');
  await expectUi(page.getByRole('combobox', { name: 'Behavioral attribute' }).getByRole('option')).toHaveText([afterHours]);
  const heatmap = page.getByRole('table', { name: `Heatmap: items by ${afterHours} range` });
  await expectUi(heatmap).toBeVisible();
  await expectUi(heatmap.getByRole('columnheader')).toHaveCount(6);
  await expectUi(heatmap.getByRole('row', { name: /Recommend/ })).toContainText(/% favorable|Insufficient|Suppressed|Withheld/);
  await expectUi(page.getByRole('heading', { name: 'Item report filtered by one range' })).toBeVisible();
  // Managers may not filter comments by this attribute: that section is not offered.
  await expectUi(page.getByRole('heading', { name: 'Comments filtered by one range' })).toHaveCount(0);
  await capture(page, '17-reports-heatmap-viewer');
  // No way to the administrators' screens, even by typing their address.
  await page.goto(`${stack.url}/manage`);
  await expectPage(page).toHaveURL(/\/reports$/);
  await page.context().close();
});

it('tells a Glint Administrator without consent why nothing can be set up', async () => {
  const tenantId = await seededTenant();
  const page = await signIn(browser, stack.url, 'Glint Administrator', tenantId);
  await expectUi(page.getByText('Data sharing is off')).toBeVisible();
  await expectUi(page.getByText(/A Microsoft 365 Global Administrator must consent to share Viva Insights data/)).toBeVisible();
  await expectUi(page.getByRole('button', { name: 'Set up integration' })).toBeDisabled();
  await capture(page, '18-no-consent');
  await page.context().close();
});

it('lets a Glint Administrator upload an export, choose it as the source, and delete one', async () => {
  const tenantId = await seededTenant();
  const page = await signIn(browser, stack.url, 'Glint Administrator', tenantId);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('radio', { name: 'Export file' }).check();
  const csv = 'PersonId,MetricDate,Meeting hours\nperson1@contoso.com,2026-11-01,3\n';
  await page.getByLabel('Upload an export').setInputFiles({ name: 'export.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expectUi(page.getByText('export.csv uploaded.')).toBeVisible();
  await expectUi(page.getByRole('button', { name: 'Use export.csv' })).toBeDisabled(); // chosen
  // One without the key column is refused, and says why next to the upload.
  await page.getByLabel('Upload an export').setInputFiles({ name: 'nokey.csv', mimeType: 'text/csv', buffer: Buffer.from('Email,MetricDate\na@contoso.com,2026-11-01\n') });
  await expectUi(page.getByText(/no "PersonId" column/)).toBeVisible();
  await page.getByRole('button', { name: 'Save source' }).click();
  await expectUi(page.getByText('Source saved.')).toBeVisible();
  await capture(page, '19-settings-export-files');
  await page.getByRole('button', { name: 'Delete export.csv' }).click();
  await expectUi(page.getByText('No export uploaded yet.')).toBeVisible();
  await page.context().close();
});
