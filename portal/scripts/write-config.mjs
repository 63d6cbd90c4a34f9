// azd's predeploy hook of the `portal` service (azure.yaml): writes dist/config.json, the portal's
// runtime configuration, from the azd environment (the deployment's outputs and settings), so one
// build serves any deployment and nothing about it is compiled in.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const required = (name) => {
  const value = process.env[name]?.trim();
  if (!value) throw new Error(`${name} is not set in the azd environment (azd env get-values)`);
  return value;
};

const apiOrigin = required('API_ORIGIN');
// AUTH_AUDIENCE is the API app registration's client id (or api://<client id>): the portal signs in
// against that same registration and asks for a token for the API.
const clientId = required('AUTH_AUDIENCE').replace(/^api:\/\//, '');
const config = {
  apiBaseUrl: apiOrigin,
  auth: {
    mode: 'msal',
    clientId,
    authority: process.env.PORTAL_AUTHORITY?.trim() || 'https://login.microsoftonline.com/organizations',
    scopes: [process.env.PORTAL_API_SCOPE?.trim() || `api://${clientId}/.default`],
  },
};
const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'config.json');
writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
console.log(`Wrote ${file} for ${apiOrigin}`);
