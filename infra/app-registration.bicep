// The multi-tenant app registration through which the service reads each organization's Viva Insights
// (INSIGHTS_AUTH=federated). Its only credential is a federated identity credential trusting the
// Function app's user-assigned managed identity: the app presents the identity's token as its client
// assertion, so no secret or certificate exists anywhere. Each organization's Global Administrator
// grants it the Analyst permission in their own tenant by admin consent (GET /api/consent links it),
// and the app then gets tokens issued by that tenant only.
extension microsoftGraphV1

@description('Unique name of the app registration in the home tenant (idempotent redeploys).')
param uniqueName string

@description('Display name shown to Global Administrators on the admin consent page.')
param displayName string

@description('Object (principal) id of the managed identity the federated credential trusts.')
param identityPrincipalId string

@description('Application (client) id of the Workplace Analytics API in Entra ID (see infra/README.md for how to look it up).')
param insightsApiAppId string

@description('Id of the Workplace Analytics API\'s Analyst application role.')
param insightsAnalystRoleId string

resource app 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: uniqueName
  displayName: displayName
  // Many organizations consent to the one registration; each gets its own service principal.
  signInAudience: 'AzureADMultipleOrgs'
  requiredResourceAccess: [
    {
      resourceAppId: insightsApiAppId
      resourceAccess: [{ id: insightsAnalystRoleId, type: 'Role' }]
    }
  ]

  resource identityCredential 'federatedIdentityCredentials@v1.0' = {
    name: '${app.uniqueName}/function-app-identity'
    description: 'The Function app\'s user-assigned managed identity: its token for api://AzureADTokenExchange is this app\'s client assertion.'
    audiences: ['api://AzureADTokenExchange']
    issuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
    subject: identityPrincipalId
  }
}

// The app's service principal in the home tenant, so the home organization can consent like any other.
resource servicePrincipal 'Microsoft.Graph/servicePrincipals@v1.0' = {
  appId: app.appId
}

output appId string = app.appId
