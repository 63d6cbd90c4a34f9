import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAppStack, type AppStack } from '../support/app-stack';
import { repoRoot } from '../support/local-stack';

// The served OpenAPI document passes a real linter: Redocly CLI with its recommended rules, run on
// exactly what GET /api/openapi.json answers.

let stack: AppStack;

beforeAll(async () => {
  stack = await startAppStack();
});

afterAll(async () => {
  await stack?.stop();
});

it('passes Redocly CLI lint with the recommended rules, without an error or a warning', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'itg-openapi-')), 'openapi.json');
  writeFileSync(file, JSON.stringify((await stack.call('GET', '/api/openapi.json')).body));
  const redocly = path.join(repoRoot, 'node_modules', '.bin', 'redocly');
  let output: string;
  try {
    output = execFileSync(redocly, ['lint', '--extends=recommended', '--format=json', file], { encoding: 'utf8', stdio: 'pipe', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
  } catch (error) {
    const failed = error as { stdout?: string };
    output = failed.stdout ?? '';
  }
  const report = JSON.parse(output) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] };
  expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
  expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
});
