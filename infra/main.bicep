// The whole deployment: a resource group holding the Function App (Flex Consumption, Node 22), its
// storage, monitoring and managed identity. `azd up` deploys it with the values of main.parameters.json;
// `az deployment sub create -f infra/main.bicep` works too. Every parameter below that is not azd's own
// is documented in infra/README.md and becomes an app setting of the Function App.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment: names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Azure region of every resource: one that offers the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
@metadata({ azd: { type: 'location' } })
param location string

@minLength(1)
@description('AUTH_AUDIENCE: the aud the API accepts in tokens, the Application ID URI of its Entra ID app registration (api://...) or its client id.')
param authAudience string

@description('IMPORT_SCHEDULE: NCRONTAB (6 fields, seconds first, UTC) of the weekly import timer.')
param importSchedule string = '0 0 6 * * 0'

@allowed(['federated', 'client-secret', 'managed-identity'])
@description('INSIGHTS_AUTH: how the app gets each organization\'s Viva Insights token, in that organization\'s tenant. federated: a multi-tenant app registration (created here) whose only credential trusts the app\'s managed identity, no secret; client-secret: a multi-tenant app registration whose secret lives in the Key Vault this template then creates; managed-identity: the app\'s identity, for a deployment serving its own tenant only.')
param insightsAuth string = 'federated'

@description('INSIGHTS_CLIENT_ID: with client-secret, the client id of the app registration holding the Viva Insights Analyst permission (required). With federated, empty: the template registers the app (or give your own registration, with a federated credential trusting APP_IDENTITY_PRINCIPAL_ID). With managed-identity, leave empty to use the app\'s own identity.')
param insightsClientId string = ''

@description('With federated and no INSIGHTS_CLIENT_ID: the application (client) id of the Workplace Analytics API in your tenant, whose Analyst permission the registered app requests.')
param insightsApiAppId string = ''

@description('With federated and no INSIGHTS_CLIENT_ID: the id of the Workplace Analytics API\'s Analyst application role.')
param insightsAnalystRoleId string = ''

@description('AUTH_ALLOWED_TENANTS: comma-separated tenant ids the API serves; empty: every tenant (with managed-identity: the deployment\'s own tenant).')
param allowedTenants string = ''

@description('Object id of the person or pipeline running the deployment (azd sets it): with client-secret, it may then write the secret into the Key Vault. Empty: no such access.')
param principalId string = ''

@minValue(1)
@maxValue(1000)
@description('Most instances the Flex Consumption plan scales out to.')
param maximumInstanceCount int = 40

@allowed([512, 2048, 4096])
@description('Memory of each instance, in MB.')
param instanceMemoryMB int = 2048

@allowed(['westus2', 'centralus', 'eastus2', 'westeurope', 'eastasia'])
@description('Region of the portal\'s Static Web App (a few regions offer it; it serves worldwide from its edge).')
param portalLocation string = 'westeurope'

var tags = { 'azd-env-name': environmentName }

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module resources 'resources.bicep' = {
  name: 'resources'
  scope: rg
  params: {
    location: location
    tags: tags
    resourceToken: toLower(uniqueString(subscription().id, environmentName, location))
    authAudience: authAudience
    importSchedule: importSchedule
    insightsAuth: insightsAuth
    insightsClientId: insightsClientId
    insightsApiAppId: insightsApiAppId
    insightsAnalystRoleId: insightsAnalystRoleId
    allowedTenants: allowedTenants
    principalId: principalId
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    portalLocation: portalLocation
  }
}

// azd stores outputs in the environment (azd env get-values); the README's commands use them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = resources.outputs.functionAppName
output API_BASE_URL string = resources.outputs.apiBaseUrl
// The portal's predeploy hook writes them into its /config.json.
output API_ORIGIN string = resources.outputs.apiOrigin
output PORTAL_URL string = resources.outputs.portalUrl
output AZURE_STORAGE_ACCOUNT_NAME string = resources.outputs.storageAccountName
output INSIGHTS_IMPORT_CONTAINER string = resources.outputs.importContainerName
output APP_IDENTITY_PRINCIPAL_ID string = resources.outputs.identityPrincipalId
output APP_IDENTITY_CLIENT_ID string = resources.outputs.identityClientId
output AZURE_KEY_VAULT_NAME string = resources.outputs.keyVaultName
output INSIGHTS_APP_CLIENT_ID string = resources.outputs.insightsAppClientId
