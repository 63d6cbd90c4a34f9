import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from '../../support/local-stack';
import { expectUi } from './expect-ui';

// A real browser for the portal's tests: Debian's Chromium driven by playwright-core (Playwright's own
// browser download cannot work here; .ci/run installs the chromium package). Playwright gives every
// launch a fresh temporary profile.

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const screenshotDir = path.join(repoRoot, 'reports', 'portal-screenshots');

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium (.ci/run does)`);
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
}

/** Signs in on the local "Sign in as" screen, with the keyboard only. */
export async function signIn(browser: Browser, url: string, persona: string, tenantId: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US', timezoneId: 'UTC' });
  // Generous: CI shares two cores between Azurite, the host, the pipeline and the browser.
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  await page.goto(url);
  await expectUi(page.getByRole('heading', { name: 'Viva Insights integration' })).toBeVisible();
  await page.getByRole('radio', { name: persona, exact: true }).focus();
  await page.keyboard.press('Space');
  await page.getByRole('textbox', { name: 'Tenant ID' }).fill(tenantId);
  await page.getByRole('textbox', { name: 'Tenant ID' }).press('Enter');
  await expectUi(page.getByText(`Signed in as ${persona}`)).toBeVisible();
  return page;
}

/** No serious or critical axe violation on what the page shows now (WCAG 2.x A and AA rules). */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // Tabster (Fluent's focus management) puts focus sentinels, <i data-tabster-dummy tabindex=0
  // aria-hidden>, at the edges of focus scopes; they pass focus on at once and are never read, but
  // axe's aria-hidden-focus rule flags them, so they are left out.
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).exclude('[data-tabster-dummy]').analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ screen, rule: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  expect(bad).toEqual([]);
}

/** A screenshot of the screen in reports/portal-screenshots/ (git-ignored), after the axe check. */
export async function capture(page: Page, name: string): Promise<void> {
  await expectAccessible(page, name);
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true, animations: 'disabled' });
}

