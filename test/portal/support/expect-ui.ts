import type { Locator, Page } from 'playwright-core';

// Web-first assertions for playwright-core, which has no `expect` of its own (that is @playwright/test's,
// tied to its runner): each one retries until the page agrees or the time is up, then fails with what
// it last saw.

const defaultTimeoutMs = 10_000;
type Text = string | RegExp;

const matches = (actual: string, expected: Text) => (typeof expected === 'string' ? actual.trim() === expected : expected.test(actual));
const contains = (actual: string, expected: Text) => (typeof expected === 'string' ? actual.includes(expected) : expected.test(actual));

async function retry(what: string, probe: () => Promise<{ ok: boolean; saw: unknown }>, timeoutMs = defaultTimeoutMs): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let saw: unknown;
  for (;;) {
    try {
      const result = await probe();
      if (result.ok) return;
      saw = result.saw;
    } catch (error) {
      saw = (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`Expected ${what}; last saw ${JSON.stringify(saw)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Options {
  timeout?: number;
}

function locatorAssertions(locator: Locator, negate: boolean) {
  const check = (what: string, probe: () => Promise<{ ok: boolean; saw: unknown }>, options?: Options) =>
    retry(`${locator.toString()} ${negate ? 'not ' : ''}${what}`, async () => {
      const r = await probe();
      return { ok: negate ? !r.ok : r.ok, saw: r.saw };
    }, options?.timeout);
  const state = async (read: () => Promise<boolean>) => {
    const value = await read();
    return { ok: value, saw: value };
  };
  return {
    toBeVisible: (o?: Options) => check('to be visible', () => state(() => locator.first().isVisible()), o),
    toBeHidden: (o?: Options) => check('to be hidden', () => state(async () => !(await locator.first().isVisible())), o),
    toBeDisabled: (o?: Options) => check('to be disabled', () => state(() => locator.isDisabled()), o),
    toBeEnabled: (o?: Options) => check('to be enabled', () => state(() => locator.isEnabled()), o),
    toBeChecked: (o?: Options) => check('to be checked', () => state(() => locator.isChecked()), o),
    toHaveCount: (n: number, o?: Options) =>
      check(`to have count ${n}`, async () => {
        const count = await locator.count();
        return { ok: count === n, saw: count };
      }, o),
    toHaveText: (expected: Text | Text[], o?: Options) =>
      check(`to have text ${String(expected)}`, async () => {
        if (Array.isArray(expected)) {
          const texts = await locator.allTextContents();
          return { ok: texts.length === expected.length && texts.every((t, i) => matches(t, expected[i]!)), saw: texts };
        }
        const text = (await locator.textContent()) ?? '';
        return { ok: matches(text, expected), saw: text };
      }, o),
    toContainText: (expected: Text, o?: Options) =>
      check(`to contain text ${String(expected)}`, async () => {
        const text = (await locator.first().textContent()) ?? '';
        return { ok: contains(text, expected), saw: text.slice(0, 300) };
      }, o),
  };
}

export function expectUi(locator: Locator) {
  return { ...locatorAssertions(locator, false), not: locatorAssertions(locator, true) };
}

export function expectPage(page: Page) {
  return {
    toHaveURL: (expected: RegExp, o?: Options) =>
      retry(`the page at ${expected}`, async () => ({ ok: expected.test(page.url()), saw: page.url() }), o?.timeout),
  };
}
