import { createReadStream, existsSync, statSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import { mintLocalToken } from '../shared/auth/local-keys';

// The portal beside the app on the local host (`npm start`, the portal's browser tests): the built
// files of portal/dist at `/`, the runtime configuration at `/config.json`, and the local sign-in
// (`POST /local/token`), which mints a token of the local key pair for one of a few personas. The
// sign-in exists only here, in local/: the deployed Functions app has no such route, and in Azure the
// portal signs in with MSAL against Entra ID (its /config.json says so).

export interface LocalPortalOptions {
  /** The portal's build output (portal/dist). */
  distDir: string;
  /** Where AUTH_MODE=local keeps its key pair, and the audience its tokens carry. */
  keysDir: string;
  audience: string;
  /** The tenant the sign-in screen proposes. */
  defaultTenantId: string;
}

/** Who one can sign in as locally: the kinds of caller of SPEC section 2. */
export const localPersonas = [
  { id: 'global-admin', label: 'Global Administrator', roles: [] as string[], globalAdmin: true },
  { id: 'glint-admin', label: 'Glint Administrator', roles: ['Glint.Admin'], globalAdmin: false },
  { id: 'viewer-managers', label: 'Report viewer (Managers)', roles: ['managers'], globalAdmin: false },
  { id: 'viewer-hr', label: 'Report viewer (HR business partners)', roles: ['hr'], globalAdmin: false },
] as const;

const tokenRequest = z.strictObject({
  tenantId: z.uuid(),
  persona: z.enum(localPersonas.map((p) => p.id) as [string, ...string[]]),
});

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function localPortal(options: LocalPortalOptions): (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<boolean> {
  const config = {
    apiBaseUrl: '',
    auth: { mode: 'local', tokenUrl: '/local/token', defaultTenantId: options.defaultTenantId, personas: localPersonas.map(({ id, label }) => ({ id, label })) },
  };
  return async (req, res, url) => {
    const method = req.method ?? 'GET';
    if (url.pathname === '/local/token') {
      if (method !== 'POST') return send(res, 405, { title: 'Method not allowed' }, { Allow: 'POST' });
      const parsed = tokenRequest.safeParse(await readJson(req));
      if (!parsed.success) {
        return send(res, 400, { type: '/problems/invalid-request', title: 'Invalid request', status: 400, detail: 'Choose a persona and give a tenant id (a GUID).', errors: parsed.error.issues.map((i) => ({ path: `body.${i.path.join('.')}`, message: i.message })) }, { 'Content-Type': 'application/problem+json' });
      }
      const persona = localPersonas.find((p) => p.id === parsed.data.persona)!;
      // A stable object id per persona, so the audit log names who did what.
      const token = await mintLocalToken({ keysDir: options.keysDir, audience: options.audience, tenantId: parsed.data.tenantId, objectId: `${persona.id}@local`, roles: [...persona.roles], globalAdmin: persona.globalAdmin });
      return send(res, 200, { token, persona: persona.label });
    }
    if (method !== 'GET' && method !== 'HEAD') return false;
    if (url.pathname === '/config.json') return send(res, 200, config);
    return serveFile(options.distDir, url.pathname, res);
  };
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): true {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
  return true;
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 4096) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function serveFile(distDir: string, pathname: string, res: http.ServerResponse): boolean {
  const index = path.join(distDir, 'index.html');
  if (!existsSync(index)) {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('The portal is not built: run npm run build (npm start does).\n');
    return true;
  }
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  const file = path.resolve(distDir, `.${path.posix.normalize(relative)}`);
  if (file !== distDir && !file.startsWith(distDir + path.sep)) return false;
  const isFile = existsSync(file) && statSync(file).isFile();
  // Client-side routes (/manage, /reports, ...) get the app; a missing asset stays a 404.
  if (!isFile && path.extname(file) !== '') return false;
  const served = isFile ? file : index;
  // Vite names assets by content hash, so they never change; the HTML must always be fresh.
  const immutable = served.includes(`${path.sep}assets${path.sep}`);
  res.writeHead(200, { 'Content-Type': contentTypes[path.extname(served)] ?? 'application/octet-stream', 'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache', 'X-Content-Type-Options': 'nosniff' });
  createReadStream(served).pipe(res);
  return true;
}
