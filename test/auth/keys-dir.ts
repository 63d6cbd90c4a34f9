import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh, empty folder for a key pair; `remove` deletes it with everything in it. */
export function temporaryKeysDir(): { dir: string; remove(): void } {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'insights-auth-'));
  // One level down, so that ensureLocalKeys also has to create the folder.
  return { dir: path.join(parent, 'keys'), remove: () => fs.rmSync(parent, { recursive: true, force: true }) };
}
