// `azd package` / `azd up` (the prepackage hook of azure.yaml): stages in .deploy/ exactly what the
// Function App runs: host.json, package.json and its lockfile, the freshly compiled app and the
// production dependencies of the lockfile. Built here, not remotely, so Azure runs the same
// dependency tree the tests ran against, without the dev tools (TypeScript, jest, Azurite).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stageDir = path.join(appDir, '.deploy');

function npm(cwd, args) {
  // npm is npm.cmd on Windows, which Node only starts through a shell.
  const result = spawnSync('npm', args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd}`);
}

// A clean build: a compiled file whose source was deleted would otherwise be deployed as a function.
rmSync(path.join(appDir, 'dist'), { recursive: true, force: true });
npm(appDir, ['run', 'build']);

rmSync(stageDir, { recursive: true, force: true });
mkdirSync(stageDir);
// dist/local (the local host) is not needed in Azure: package.json's main is dist/functions/*.js.
for (const entry of ['host.json', 'package.json', 'package-lock.json', '.funcignore', 'dist/functions', 'dist/shared']) {
  cpSync(path.join(appDir, entry), path.join(stageDir, entry), { recursive: true });
}
npm(stageDir, ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund']);
console.log(`Staged the deployment package in ${path.relative(process.cwd(), stageDir) || '.'}`);
