import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pullWorkerArguments } from '../../bench/worker-arguments';
import { parseSettings, settingNames } from '../../shared/config/settings';
import { repoRoot } from '../support/local-stack';

// Contract tests of the deployment: no Bicep CLI or Azure here, so they read the template text. They
// pin what the issue and SPEC section 14 ask for, and keep the template in step with the app's settings.

const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const main = read('infra/main.bicep');
const resources = read('infra/resources.bicep');
const appRegistration = read('infra/app-registration.bicep');
const parameters = JSON.parse(read('infra/main.parameters.json')) as { parameters: Record<string, { value: unknown }> };
const azureYaml = read('azure.yaml');
const templates = `${main}\n${resources}\n${appRegistration}`;

/** The text of `resource <symbolicName> '<type>' = ... { ... }`, up to its matching closing brace. */
function resourceBlock(bicep: string, symbolicName: string): string {
  const start = bicep.search(new RegExp(`^resource ${symbolicName} '`, 'm'));
  if (start < 0) throw new Error(`no resource ${symbolicName}`);
  let depth = 0;
  for (let i = bicep.indexOf('{', start); i < bicep.length; i++) {
    if (bicep[i] === '{') depth++;
    if (bicep[i] === '}' && --depth === 0) return bicep.slice(start, i + 1);
  }
  throw new Error(`resource ${symbolicName} is not closed`);
}

const squash = (text: string) => text.replace(/\s+/g, ' ');

/** App setting name → its Bicep value expression, as the appsettings resource sets them. */
function appSettings(): Map<string, string> {
  const block = resourceBlock(resources, 'appSettings');
  const body = block.slice(block.indexOf('properties:'), block.indexOf('dependsOn:'));
  const settings = new Map<string, string>();
  for (const [, name, value] of body.matchAll(/(?:^[ \t]*|\{\s*)([A-Za-z]\w*)\s*:\s*(.*)$/gm)) {
    // A one-line object (`? { NAME: value }`) ends with its closing brace, which is not part of the value.
    if (name !== 'properties') settings.set(name!, value!.replace(/\s+\},?$/, '').trim());
  }
  return settings;
}

/** Bicep parameters of a file: name → whether it has a default. */
function bicepParams(bicep: string): Map<string, boolean> {
  return new Map([...bicep.matchAll(/^param (\w+) \w+( = .*)?$/gm)].map(([, name, fallback]) => [name!, fallback !== undefined]));
}

// Built-in role definition ids, checked against Microsoft's "Azure built-in roles" reference.
const role = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
};

describe('Bicep: hosting', () => {
  it('runs on the Flex Consumption plan (FC1, Linux)', () => {
    const plan = squash(resourceBlock(resources, 'plan'));
    expect(plan).toContain("'Microsoft.Web/serverfarms@");
    expect(plan).toContain("kind: 'functionapp'");
    expect(plan).toContain("sku: { name: 'FC1', tier: 'FlexConsumption' }");
    expect(plan).toContain('reserved: true');
  });

  it('runs Node 22 from the deployment container, reached with the user-assigned identity', () => {
    const site = squash(resourceBlock(resources, 'functionApp'));
    expect(site).toContain("kind: 'functionapp,linux'");
    expect(site).toContain('serverFarmId: plan.id');
    expect(site).toContain("runtime: { name: 'node', version: '22' }");
    // The code runs on what `engines` promises, Azure's version included.
    expect(JSON.parse(read('package.json')).engines.node).toMatch(/\^22\b/);
    expect(site).toContain("type: 'UserAssigned' userAssignedIdentities: { '${identity.id}': {} }");
    expect(site).toContain(
      "storage: { type: 'blobContainer' value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}' " +
        "authentication: { type: 'UserAssignedIdentity' userAssignedIdentityResourceId: identity.id } }",
    );
    expect(site).toContain('httpsOnly: true');
    expect(resourceBlock(resources, 'storage')).toMatch(/resource deploymentContainer 'containers' = \{\s*name: deploymentContainerName/);
  });

  it('is tagged as the azure.yaml service azd deploys', () => {
    const service = /^services:\n {2}(\w+):/m.exec(azureYaml)?.[1];
    expect(service).toBe('api');
    expect(squash(resourceBlock(resources, 'functionApp'))).toContain(`'azd-service-name': '${service}'`);
  });

  it('sends telemetry to Application Insights on a Log Analytics workspace, with Entra ID auth only', () => {
    const insights = squash(resourceBlock(resources, 'appInsights'));
    expect(insights).toContain('WorkspaceResourceId: logAnalytics.id');
    expect(insights).toContain('DisableLocalAuth: true');
    expect(resourceBlock(resources, 'logAnalytics')).toContain("'Microsoft.OperationalInsights/workspaces@");
    expect(appSettings().get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')).toBe("'ClientId=${identity.properties.clientId};Authorization=AAD'");
  });
});

describe('Bicep: storage and identity', () => {
  it('keeps the storage account to TLS 1.2, no public blobs and no shared keys', () => {
    const storage = squash(resourceBlock(resources, 'storage'));
    expect(storage).toContain("minimumTlsVersion: 'TLS1_2'");
    expect(storage).toContain('supportsHttpsTrafficOnly: true');
    expect(storage).toContain('allowBlobPublicAccess: false');
    expect(storage).toContain('allowSharedKeyAccess: false');
  });

  it('names the built-in roles by their well-known ids, and no others', () => {
    const declared = Object.fromEntries([...resources.matchAll(/^ {2}(\w+): '([0-9a-f-]{36})'$/gm)].map(([, name, id]) => [name, id]));
    expect(declared).toEqual(role);
  });

  it('gives the identity exactly its data roles, each assignment named with guid()', () => {
    const assignments = [...resources.matchAll(/^resource (\w+) 'Microsoft\.Authorization\/roleAssignments@[\w-]+' =/gm)].map(([, name]) => {
      const block = squash(resourceBlock(resources, name!));
      return {
        name: /name: (guid\([^)]*\))/.exec(block)?.[1],
        scope: /scope: (\w+)/.exec(block)?.[1],
        role: /roleDefinitions', roleIds\.(\w+)\)/.exec(block)?.[1],
        principal: /principalId: ([\w.]+)/.exec(block)?.[1],
      };
    });
    for (const assignment of assignments) expect(assignment.name).toMatch(/^guid\(.+\)$/);
    const identity = 'identity.properties.principalId';
    expect(assignments.map(({ scope, role, principal }) => ({ scope, role, principal }))).toEqual([
      { scope: 'storage', role: 'storageBlobDataOwner', principal: identity },
      { scope: 'storage', role: 'storageQueueDataContributor', principal: identity },
      { scope: 'storage', role: 'storageTableDataContributor', principal: identity },
      { scope: 'appInsights', role: 'monitoringMetricsPublisher', principal: identity },
      { scope: 'keyVault', role: 'keyVaultSecretsUser', principal: identity },
      // Only with a client secret, for whoever deploys: to write that secret into the vault.
      { scope: 'keyVault', role: 'keyVaultSecretsOfficer', principal: 'principalId' },
    ]);
  });
});

describe('Bicep: app settings', () => {
  const settings = appSettings();

  // Settings the app reads that Azure must not carry, and why.
  const notInAzure: Record<string, string> = {
    AzureWebJobsStorage: 'a connection string would carry an account key; the identity-based settings replace it',
    AzureWebJobsStorage__accountName: 'the template sets the service URIs from the account itself, which also hold in other clouds',
    AUTH_LOCAL_KEYS_DIR: 'local tokens only (AUTH_MODE=local)',
    INSIGHTS_FILE_ROOT: 'a local folder; in Azure export files live in the import container',
    INSIGHTS_CLIENT_CERTIFICATE_PATH: 'client-certificate is an option for operators who bring their own certificate; the template offers federated, client-secret and managed-identity',
    INSIGHTS_FILE_MAX_BYTES: 'the default is the Functions host\'s own request limit',
    INSIGHTS_HOSTS: 'the default Viva Insights hosts; an operator adds one only when Microsoft adds one',
    INSIGHTS_MAX_PAGES: 'the default limit fits the largest person queries; an operator may set it',
    INSIGHTS_MAX_PAGE_BYTES: 'as INSIGHTS_MAX_PAGES',
    INSIGHTS_MAX_ROWS: 'as INSIGHTS_MAX_PAGES',
    INSIGHTS_MAX_PULL_SECONDS: 'as INSIGHTS_MAX_PAGES',
    RUN_RESEND_AFTER_SECONDS: 'the sweeper\'s default suits; an operator may set it',
    RUN_STALE_AFTER_SECONDS: 'as RUN_RESEND_AFTER_SECONDS',
  };
  // Settings the template sets only in some configurations.
  const conditional = ['INSIGHTS_CLIENT_SECRET', 'INSIGHTS_IDENTITY_CLIENT_ID', 'AUTH_ALLOWED_TENANTS'];

  it('sets every app setting the code reads, except those that must not be set in Azure', () => {
    expect(Object.keys(notInAzure).filter((name) => !settingNames.includes(name))).toEqual([]);
    const needed = settingNames.filter((name) => !(name in notInAzure));
    expect(needed.filter((name) => !settings.has(name))).toEqual([]);
    for (const name of conditional) expect(settings.has(name)).toBe(true);
    expect(Object.keys(notInAzure).filter((name) => settings.has(name))).toEqual([]);
  });

  it('sets nothing the app or the Functions host does not read', () => {
    const hostSettings = ['APPLICATIONINSIGHTS_CONNECTION_STRING', 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', 'languageWorkers__node__arguments'];
    expect([...settings.keys()].filter((name) => !settingNames.includes(name) && !hostSettings.includes(name))).toEqual([]);
  });

  it('gives the Node worker of a 512 MB instance the heap the benchmark holds the pull to 256 MB with', () => {
    expect(settings.get('languageWorkers__node__arguments')).toBe(`'${pullWorkerArguments(192)}'`);
    expect(squash(resourceBlock(resources, 'appSettings'))).toContain(`instanceMemoryMB <= 512 ? { languageWorkers__node__arguments: '${pullWorkerArguments(192)}' } : {}`);
  });

  it('reaches storage with the identity: no account key or storage connection string anywhere', () => {
    for (const keyish of ['listKeys(', 'AccountKey', 'DefaultEndpointsProtocol', 'SharedAccessSignature', 'primaryKey', 'connectionStrings']) {
      expect(templates).not.toContain(keyish);
    }
    // The one connection string is Application Insights': an ingestion address whose key is no
    // credential, since the component accepts only Entra ID tokens (DisableLocalAuth above).
    expect([...settings.keys()].filter((name) => /connection_?string/i.test(name))).toEqual(['APPLICATIONINSIGHTS_CONNECTION_STRING']);
    expect(settings.get('AzureWebJobsStorage__credential')).toBe("'managedidentity'");
    expect(settings.get('AzureWebJobsStorage__clientId')).toBe('identity.properties.clientId');
    for (const service of ['blob', 'queue', 'table']) {
      expect(settings.get(`AzureWebJobsStorage__${service}ServiceUri`)).toBe(`storage.properties.primaryEndpoints.${service}`);
    }
  });

  it('leaves the runtime to functionAppConfig, as Flex Consumption requires', () => {
    for (const name of ['FUNCTIONS_WORKER_RUNTIME', 'WEBSITE_NODE_DEFAULT_VERSION', 'FUNCTIONS_EXTENSION_VERSION', 'WEBSITE_RUN_FROM_PACKAGE']) {
      expect(settings.has(name)).toBe(false);
    }
  });

  it('runs with Entra ID tokens and keeps the Insights client secret in Key Vault', () => {
    expect(settings.get('AUTH_MODE')).toBe("'entra'");
    expect(settings.get('INSIGHTS_CLIENT_SECRET')).toBe("'@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${insightsSecretName})'");
    expect(templates).not.toMatch(/^param \w*(secret|password)\w* /im);
    expect(squash(resourceBlock(resources, 'functionApp'))).toContain('keyVaultReferenceIdentity: identity.id');
  });

  it('passes the app\'s own settings schema with the values the template gives', () => {
    // What Azure resolves the expressions to, in the shape the app will see.
    const resolved: Record<string, string> = {
      'storage.properties.primaryEndpoints.blob': 'https://stexample.blob.core.windows.net/',
      'storage.properties.primaryEndpoints.queue': 'https://stexample.queue.core.windows.net/',
      'storage.properties.primaryEndpoints.table': 'https://stexample.table.core.windows.net/',
      'identity.properties.clientId': '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
      authAudience: 'api://insights-to-glint',
      importSchedule: /param importSchedule string = '([^']+)'/.exec(main)![1]!,
      insightsAuth: 'federated',
      importContainerName: /var importContainerName = '([^']+)'/.exec(resources)![1]!,
      allowedTenantIds: '7d3e1a52-0f6b-4c1e-9a38-2b5c6d7e8f90',
    };
    const env = Object.fromEntries(
      [...settings]
        .filter(([name]) => settingNames.includes(name) && name !== 'INSIGHTS_CLIENT_SECRET')
        .map(([name, expression]) => {
          // The app registration's id, whichever of its sources the template takes.
          if (name === 'INSIGHTS_CLIENT_ID') return [name, '0d1e2f30-4152-4637-a8b9-cadbecfd0e1f'];
          const literal = /^'([^'$]*)'$/.exec(expression)?.[1];
          const value = literal ?? resolved[expression];
          if (value === undefined) throw new Error(`add what ${expression} (${name}) resolves to`);
          return [name, value];
        }),
    );
    expect(parseSettings({ ...env, WEBSITE_INSTANCE_ID: 'azure-instance' })).toMatchObject({ INSIGHTS_AUTH: 'federated', AUTH_MODE: 'entra' });
  });
});

describe('Bicep: the multi-tenant app that reads Viva Insights', () => {
  const app = squash(resourceBlock(appRegistration, 'app'));

  it('registers a multi-tenant app through the Microsoft Graph Bicep extension, requesting the Analyst application permission', () => {
    expect(appRegistration).toMatch(/^extension microsoftGraphV1$/m);
    expect(JSON.parse(read('infra/bicepconfig.json')).extensions.microsoftGraphV1).toMatch(/^br:mcr\.microsoft\.com\/bicep\/extensions\/microsoftgraph\/v1\.0:/);
    expect(app).toContain("'Microsoft.Graph/applications@v1.0'");
    expect(app).toContain("signInAudience: 'AzureADMultipleOrgs'");
    expect(app).toContain("resourceAccess: [{ id: insightsAnalystRoleId, type: 'Role' }]");
  });

  it('gives it no secret: its one credential is federated, trusting the app\'s managed identity', () => {
    const credential = squash(resourceBlock(appRegistration.replace(/^ {2}resource identityCredential/m, 'resource identityCredential'), 'identityCredential'));
    expect(credential).toContain("audiences: ['api://AzureADTokenExchange']");
    expect(credential).toContain("issuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'");
    expect(credential).toContain('subject: identityPrincipalId');
    expect(appRegistration).not.toMatch(/passwordCredentials|keyCredentials/);
    expect(squash(resources)).toContain('identityPrincipalId: identity.properties.principalId');
    expect(appSettings().get('INSIGHTS_IDENTITY_CLIENT_ID')).toBe('identity.properties.clientId');
  });

  it('serves one tenant only when it reads Viva Insights with its own identity', () => {
    expect(squash(resources)).toContain("var allowedTenantIds = insightsAuth == 'managed-identity' && empty(allowedTenants) ? tenant().tenantId : allowedTenants");
  });
});

describe('Bicep: parameters and azd', () => {
  const mainParams = bicepParams(main);
  const azdOwn = ['environmentName', 'location', 'principalId'];

  it('gives every required parameter a value from the azd environment', () => {
    const required = [...mainParams].filter(([, hasDefault]) => !hasDefault).map(([name]) => name);
    expect(required.filter((name) => !(name in parameters.parameters))).toEqual([]);
    expect(Object.keys(parameters.parameters).filter((name) => !mainParams.has(name))).toEqual([]);
  });

  it('documents every parameter and the azd variable that sets it', () => {
    const infraReadme = read('infra/README.md');
    for (const name of [...mainParams.keys()].filter((name) => !azdOwn.includes(name))) expect(infraReadme).toContain(`\`${name}\``);
    const variables = JSON.stringify(parameters).match(/\$\{(\w+)/g)!.map((v) => v.slice(2));
    const deploySection = read('README.md').split('## Deploying to Azure')[1]!.split('\n## ')[0]!;
    for (const variable of variables.filter((v) => !['AZURE_ENV_NAME', 'AZURE_LOCATION', 'AZURE_PRINCIPAL_ID'].includes(v))) {
      expect(deploySection).toContain(variable);
    }
  });

  it('deploys the app as a TypeScript function service whose package the prepackage hook stages', () => {
    expect(azureYaml).toMatch(/^infra:\n {2}provider: bicep\n {2}path: infra\n {2}module: main$/m);
    expect(azureYaml).toMatch(/^ {4}project: \.\n {4}language: ts\n {4}host: function$/m);
    const stageDir = /const stageDir = path\.join\(appDir, '([^']+)'\)/.exec(read('infra/stage-package.mjs'))?.[1];
    expect(azureYaml).toContain(`dist: ${stageDir}`);
    expect(azureYaml).toContain('remoteBuild: false');
    expect(azureYaml.match(/run: node infra\/stage-package\.mjs/g)).toHaveLength(2);
    expect(read('.gitignore').split('\n')).toEqual(expect.arrayContaining([`${stageDir}/`, '.azure/']));
  });
});

describe('Bicep: the admin portal', () => {
  it('is a Static Web App tagged as the azure.yaml portal service, built from portal/ with its runtime configuration written before deploy', () => {
    const portal = squash(resourceBlock(resources, 'portal'));
    expect(portal).toContain("'Microsoft.Web/staticSites@");
    expect(portal).toContain("'azd-service-name': 'portal'");
    expect(azureYaml).toMatch(/^ {2}portal:\n(?: {4}#.*\n)* {4}project: \.\/portal\n {4}language: js\n {4}host: staticwebapp\n {4}dist: dist$/m);
    expect(azureYaml.match(/run: node scripts\/write-config\.mjs/g)).toHaveLength(2);
    // The hook reads the outputs main.bicep hands azd.
    const hook = read('portal/scripts/write-config.mjs');
    for (const name of hook.match(/required\('(\w+)'\)/g)!.map((m) => m.slice(10, -2))) {
      expect(name === 'AUTH_AUDIENCE' ? JSON.stringify(parameters) : main).toContain(name);
    }
  });

  it('lets browsers call the API from the portal’s origin only, without credentials', () => {
    const site = squash(resourceBlock(resources, 'functionApp'));
    const cors = /cors: \{ allowedOrigins: \[ ([^\]]*) \], supportCredentials: false \}/.exec(site);
    expect(cors?.[1]?.trim()).toBe("'https://${portal.properties.defaultHostname}'");
  });

  it('offers no local sign-in in Azure: the deployed package holds no local/ code', () => {
    const staged = read('infra/stage-package.mjs');
    expect(staged).toMatch(/'dist\/functions', 'dist\/shared'\]/);
    expect(staged).not.toMatch(/'dist\/local'/);
  });
});
