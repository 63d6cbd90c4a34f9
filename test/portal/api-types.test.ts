import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../support/local-stack';
import { startAppStack, type AppStack } from '../support/app-stack';

// The portal's API types are generated from the OpenAPI document the API serves. This regenerates them
// with the portal's own script from the document of the code under test and compares them with the
// checked-in file, so a route change that is not carried into the portal fails here.

let stack: AppStack;

beforeAll(async () => {
  stack = await startAppStack();
});

afterAll(async () => {
  await stack?.stop();
});

it('portal/src/api/schema.d.ts is what `npm run generate:api` makes of GET /api/openapi.json', async () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'itg-api-types-'));
  const document = path.join(folder, 'openapi.json');
  const generated = path.join(folder, 'schema.d.ts');
  writeFileSync(document, JSON.stringify((await stack.call('GET', '/api/openapi.json')).body));
  execFileSync(process.execPath, ['scripts/generate-api.mjs', '--input', document, '--output', generated], { cwd: path.join(repoRoot, 'portal'), stdio: 'pipe' });
  const checkedIn = readFileSync(path.join(repoRoot, 'portal', 'src', 'api', 'schema.d.ts'), 'utf8');
  // On failure: run `npm start`, then `npm run generate:api --prefix portal`, and commit the file.
  expect(readFileSync(generated, 'utf8')).toBe(checkedIn);
});
