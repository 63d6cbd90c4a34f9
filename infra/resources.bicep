// Every resource of the deployment, in one resource group. Raw resources only (no registry modules),
// so the template builds without restoring anything from the network.
//
// No key or connection string to storage exists anywhere: the account refuses shared keys, and the
// Functions host, the app and the deployment all sign in as one user-assigned managed identity that
// holds only the data roles below.

param location string
param tags object
@description('Seeds the globally unique resource names.')
param resourceToken string
param authAudience string
param importSchedule string
param insightsAuth string
param insightsClientId string
param insightsApiAppId string
param insightsAnalystRoleId string
param allowedTenants string
param principalId string
param maximumInstanceCount int
param instanceMemoryMB int
param portalLocation string

// Built-in role definitions: the same ids in every tenant (Azure built-in roles reference).
var roleIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
}

// Where `azd deploy` uploads the app package and Flex Consumption reads it from.
var deploymentContainerName = 'deployment-package'
// Person-query exports for the file source (INSIGHTS_FILE_CONTAINER).
var importContainerName = 'insights-import'
var useClientSecret = insightsAuth == 'client-secret'
var useFederated = insightsAuth == 'federated'
// federated without a given client id: the template registers the multi-tenant app itself.
var createAppRegistration = useFederated && empty(insightsClientId)
// A single managed identity reads Viva Insights in its own tenant only, so the API serves that tenant only.
var allowedTenantIds = insightsAuth == 'managed-identity' && empty(allowedTenants) ? tenant().tenantId : allowedTenants
var keyVaultName = 'kv-${resourceToken}'
var insightsSecretName = 'insights-client-secret'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${resourceToken}'
  location: location
  tags: tags
}

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${resourceToken}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${resourceToken}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    // Telemetry is accepted only with an Entra ID token (the identity, as Monitoring Metrics Publisher),
    // so the instrumentation key inside the connection string is an address, not a credential.
    DisableLocalAuth: true
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'st${resourceToken}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled'
    networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' }
  }

  resource blobServices 'blobServices' = {
    name: 'default'

    resource deploymentContainer 'containers' = {
      name: deploymentContainerName
      properties: { publicAccess: 'None' }
    }

    resource importContainer 'containers' = {
      name: importContainerName
      properties: { publicAccess: 'None' }
    }
  }
}

// The identity's data roles, each on the storage account. Blob Data Owner is what the Functions host
// needs for its own storage (it lists containers, keeps keys and leases in azure-webjobs-* containers,
// and Flex Consumption reads the package from the deployment container); it also covers reading the
// import container. Queue Data Contributor, not Message Processor + Sender: the app and the host
// create the pipeline queues and their -poison queues on first use. Table Data Contributor: all state.
resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roleIds.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataOwner)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource queueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roleIds.storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageQueueDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roleIds.storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageTableDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roleIds.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

module appRegistration 'app-registration.bicep' = if (createAppRegistration) {
  name: 'app-registration'
  params: {
    uniqueName: 'insights-to-glint-${resourceToken}'
    displayName: 'Viva Insights to Viva Glint (${resourceToken})'
    identityPrincipalId: identity.properties.principalId
    insightsApiAppId: insightsApiAppId
    insightsAnalystRoleId: insightsAnalystRoleId
  }
}

// Only for INSIGHTS_AUTH=client-secret: the app registration's secret, read by the app setting's Key
// Vault reference. The template never sees the secret; an operator puts it in after deployment.
resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = if (useClientSecret) {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    publicNetworkAccess: 'Enabled'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (useClientSecret) {
  name: guid(resourceGroup().id, keyVaultName, identity.id, roleIds.keyVaultSecretsUser)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Lets whoever deployed write the secret (`az keyvault secret set`); no read access for the app beyond it.
resource secretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (useClientSecret && !empty(principalId)) {
  name: guid(resourceGroup().id, keyVaultName, principalId, roleIds.keyVaultSecretsOfficer)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsOfficer)
    principalId: principalId
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${resourceToken}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

// The admin portal (portal/): static files with a runtime /config.json that azd's predeploy hook
// writes (portal/scripts/write-config.mjs). Free tier: no API of its own, the portal calls the
// Function App, which admits its origin only (CORS above).
resource portal 'Microsoft.Web/staticSites@2024-04-01' = {
  name: 'swa-${resourceToken}'
  location: portalLocation
  // azd finds where to deploy the `portal` service of azure.yaml by this tag.
  tags: union(tags, { 'azd-service-name': 'portal' })
  sku: { name: 'Free', tier: 'Free' }
  properties: {}
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-${resourceToken}'
  location: location
  // azd finds where to deploy the `api` service of azure.yaml by this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve as the user-assigned identity: the app has no system-assigned one.
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      minTlsVersion: '1.2'
      // Browsers may call the API from the portal's origin only; tokens travel in the Authorization
      // header, never as cookies, so no credentials mode is needed.
      cors: { allowedOrigins: [ 'https://${portal.properties.defaultHostname}' ], supportCredentials: false }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      // Flex Consumption takes the runtime from here: FUNCTIONS_WORKER_RUNTIME and
      // WEBSITE_NODE_DEFAULT_VERSION are not app settings on this plan.
      // Node 22: Node 20 reached its end of life on 2026-04-30, and Azure Functions follows Node's lifecycle.
      runtime: { name: 'node', version: '22' }
    }
  }
}

// Every app setting the app reads (shared/config/settings.ts), except those only meaningful locally.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: union(
    {
      // Identity-based storage for the host and for the app's own clients: endpoints, never a key.
      AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
      AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
      AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identity.properties.clientId
      APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
      AUTH_MODE: 'entra'
      AUTH_AUDIENCE: authAudience
      AUTH_JWKS_URI: 'https://login.microsoftonline.com/common/discovery/v2.0/keys'
      IMPORT_SCHEDULE: importSchedule
      INSIGHTS_AUTH: insightsAuth
      // federated: the app registration (the template's own unless one was given); managed-identity
      // without another client id: the app's own identity asks for Viva Insights tokens.
      INSIGHTS_CLIENT_ID: createAppRegistration ? appRegistration!.outputs.appId : (!useClientSecret && empty(insightsClientId) ? identity.properties.clientId : insightsClientId)
      INSIGHTS_FILE_CONTAINER: importContainerName
    },
    useFederated
      ? { INSIGHTS_IDENTITY_CLIENT_ID: identity.properties.clientId }
      : {},
    // On 512 MB instances the pull must stay within 256 MB (README "Benchmarks"): Node would size its
    // heap from the machine and collect too late. The arguments bench/worker-arguments.ts measures.
    instanceMemoryMB <= 512
      ? { languageWorkers__node__arguments: '--max-old-space-size=192 --max-semi-space-size=8' }
      : {},
    empty(allowedTenantIds)
      ? {}
      : { AUTH_ALLOWED_TENANTS: allowedTenantIds },
    useClientSecret
      ? { INSIGHTS_CLIENT_SECRET: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${insightsSecretName})' }
      : {}
  )
  // The host starts with these settings: its storage roles must exist first.
  dependsOn: [blobDataOwner, queueDataContributor, tableDataContributor, metricsPublisher, secretsUser]
}

output functionAppName string = functionApp.name
output apiBaseUrl string = 'https://${functionApp.properties.defaultHostName}/api'
output apiOrigin string = 'https://${functionApp.properties.defaultHostName}'
output portalUrl string = 'https://${portal.properties.defaultHostname}'
output storageAccountName string = storage.name
output importContainerName string = importContainerName
output identityPrincipalId string = identity.properties.principalId
output identityClientId string = identity.properties.clientId
output keyVaultName string = useClientSecret ? keyVaultName : ''
output insightsAppClientId string = createAppRegistration ? appRegistration!.outputs.appId : insightsClientId
