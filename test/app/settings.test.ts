import { readFileSync } from 'node:fs';
import path from 'node:path';
import { azureMarkers, parseSettings, settingNames, SettingsError } from '../../shared/config/settings';
import { repoRoot } from '../support/local-stack';

describe('parseSettings', () => {
  const required = {
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    AUTH_AUDIENCE: 'api://insights-to-glint',
    IMPORT_SCHEDULE: '0 0 6 * * 0',
    // The default INSIGHTS_AUTH, federated, needs the app registration and the identity it trusts.
    INSIGHTS_CLIENT_ID: '0d1e2f30-4152-4637-a8b9-cadbecfd0e1f',
    INSIGHTS_IDENTITY_CLIENT_ID: '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  };

  it('accepts the required settings and applies defaults', () => {
    expect(parseSettings(required)).toEqual({
      ...required,
      AUTH_MODE: 'entra',
      AUTH_JWKS_URI: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
      AUTH_LOCAL_KEYS_DIR: '.local/keys',
      INSIGHTS_FILE_CONTAINER: 'insights-import',
      INSIGHTS_FILE_MAX_BYTES: 100 * 1024 * 1024,
      INSIGHTS_AUTH: 'federated',
      INSIGHTS_HOSTS: ['workplaceanalytics.office.com', 'workplaceanalytics-eu.office.com'],
      INSIGHTS_MAX_PAGES: 5_000,
      INSIGHTS_MAX_PAGE_BYTES: 128 * 1024 * 1024,
      INSIGHTS_MAX_ROWS: 30_000_000,
      INSIGHTS_MAX_PULL_SECONDS: 3_600,
      RUN_RESEND_AFTER_SECONDS: 3_600,
      RUN_STALE_AFTER_SECONDS: 4 * 3_600,
    });
  });

  it('treats an empty value as unset', () => {
    expect(() => parseSettings({ ...required, AzureWebJobsStorage: '' })).toThrow(/AzureWebJobsStorage is required/);
    expect(() => parseSettings({ ...required, AUTH_AUDIENCE: '' })).toThrow(/AUTH_AUDIENCE/);
    expect(() => parseSettings({ ...required, IMPORT_SCHEDULE: '' })).toThrow(/IMPORT_SCHEDULE is required/);
  });

  describe('local mode cannot start in Azure, on any plan', () => {
    const local = { ...required, AUTH_MODE: 'local', INSIGHTS_AUTH: 'local' };

    it('starts locally', () => {
      expect(parseSettings(local)).toMatchObject({ AUTH_MODE: 'local', INSIGHTS_AUTH: 'local' });
      expect(() => parseSettings({ ...required, AUTH_MODE: 'anonymous' })).toThrow(/AUTH_MODE must be "entra" or "local"/);
    });

    it.each(azureMarkers.map((name) => [name]))('refuses AUTH_MODE=local and INSIGHTS_AUTH=local when %s is set', (marker) => {
      expect(() => parseSettings({ ...required, AUTH_MODE: 'local', [marker]: 'set-by-azure' })).toThrow(
        new RegExp(`AUTH_MODE is "local", which is refused when running in Azure \\(${marker} is set\\)`),
      );
      expect(() => parseSettings({ ...required, INSIGHTS_AUTH: 'local', [marker]: 'set-by-azure' })).toThrow(new RegExp(`INSIGHTS_AUTH is "local" .*refused when running in Azure \\(${marker} is set\\)`));
      expect(parseSettings({ ...required, [marker]: 'set-by-azure' }).AUTH_MODE).toBe('entra');
    });

    it('names every marker present', () => {
      expect(() => parseSettings({ ...local, WEBSITE_SITE_NAME: 'app', IDENTITY_ENDPOINT: 'http://localhost:8081/msi/token' })).toThrow(/\(WEBSITE_SITE_NAME, IDENTITY_ENDPOINT are set\)/);
    });
  });

  it('checks the Insights credential settings', () => {
    expect(() => parseSettings({ ...required, INSIGHTS_CLIENT_ID: undefined })).toThrow(/INSIGHTS_CLIENT_ID is required when INSIGHTS_AUTH is "federated"/);
    expect(() => parseSettings({ ...required, INSIGHTS_AUTH: 'static' })).toThrow(/INSIGHTS_AUTH must be one of federated, client-secret, client-certificate, managed-identity, local/);
    expect(() => parseSettings({ ...required, INSIGHTS_AUTH: 'client-secret' })).toThrow(/INSIGHTS_CLIENT_SECRET is required/);
    expect(() => parseSettings({ ...required, INSIGHTS_AUTH: 'client-certificate' })).toThrow(/INSIGHTS_CLIENT_CERTIFICATE_PATH is required/);
    expect(() => parseSettings({ ...required, INSIGHTS_FILE_CONTAINER: 'Bad_Name' })).toThrow(/INSIGHTS_FILE_CONTAINER must be a blob container name/);
  });

  it('allows a single managed identity only for a deployment restricted to its one tenant', () => {
    const tenant = '7d3e1a52-0f6b-4c1e-9a38-2b5c6d7e8f90';
    expect(() => parseSettings({ ...required, INSIGHTS_AUTH: 'managed-identity' })).toThrow(/AUTH_ALLOWED_TENANTS must name exactly one tenant/);
    expect(() => parseSettings({ ...required, INSIGHTS_AUTH: 'managed-identity', AUTH_ALLOWED_TENANTS: `${tenant},6c1d2e3f-4051-4b62-8c73-8d9e0f1a2b3c` })).toThrow(/exactly one tenant/);
    expect(parseSettings({ ...required, INSIGHTS_AUTH: 'managed-identity', AUTH_ALLOWED_TENANTS: ` ${tenant.toUpperCase()} ` }).AUTH_ALLOWED_TENANTS).toEqual([tenant]);
    expect(() => parseSettings({ ...required, AUTH_ALLOWED_TENANTS: 'contoso' })).toThrow(/AUTH_ALLOWED_TENANTS must be tenant ids/);
  });

  it('reads the Viva Insights hosts and the pull limits', () => {
    expect(parseSettings({ ...required, INSIGHTS_HOSTS: 'WorkplaceAnalytics.office.com, insights.contoso.test' }).INSIGHTS_HOSTS).toEqual(['workplaceanalytics.office.com', 'insights.contoso.test']);
    expect(() => parseSettings({ ...required, INSIGHTS_HOSTS: 'https://evil.example/' })).toThrow(/INSIGHTS_HOSTS must be host names/);
    expect(parseSettings({ ...required, INSIGHTS_MAX_PAGES: '12' }).INSIGHTS_MAX_PAGES).toBe(12);
    expect(() => parseSettings({ ...required, INSIGHTS_MAX_ROWS: '0' })).toThrow(/INSIGHTS_MAX_ROWS must be positive/);
    expect(() => parseSettings({ ...required, INSIGHTS_MAX_PULL_SECONDS: 'soon' })).toThrow(/INSIGHTS_MAX_PULL_SECONDS must be a number/);
  });

  describe('storage', () => {
    const { AzureWebJobsStorage: _connectionString, ...withoutStorage } = required;
    const identity = {
      AzureWebJobsStorage__tableServiceUri: 'https://stexample.table.core.windows.net',
      AzureWebJobsStorage__queueServiceUri: 'https://stexample.queue.core.windows.net',
      AzureWebJobsStorage__blobServiceUri: 'https://stexample.blob.core.windows.net',
      AzureWebJobsStorage__credential: 'managedidentity',
      AzureWebJobsStorage__clientId: '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    };

    it('accepts identity-based settings instead of a connection string', () => {
      expect(parseSettings({ ...withoutStorage, ...identity })).toMatchObject(identity);
      expect(parseSettings({ ...withoutStorage, AzureWebJobsStorage__accountName: 'stexample' }).AzureWebJobsStorage__accountName).toBe('stexample');
    });

    it('needs exactly one of the two ways', () => {
      expect(() => parseSettings(withoutStorage)).toThrow(/AzureWebJobsStorage is required: a storage connection string .* or identity-based AzureWebJobsStorage__accountName/);
      expect(() => parseSettings({ ...required, ...identity })).toThrow(
        /AzureWebJobsStorage is set together with AzureWebJobsStorage__tableServiceUri, .*AzureWebJobsStorage__clientId: reach storage one way/,
      );
      expect(() => parseSettings({ ...required, AzureWebJobsStorage__credential: 'managedidentity' })).toThrow(/AzureWebJobsStorage is set together with AzureWebJobsStorage__credential/);
    });

    it('names the service URIs missing without an account name', () => {
      try {
        parseSettings({ ...withoutStorage, AzureWebJobsStorage__tableServiceUri: identity.AzureWebJobsStorage__tableServiceUri });
        throw new Error('expected a SettingsError');
      } catch (error) {
        expect((error as SettingsError).settings).toEqual(['AzureWebJobsStorage__queueServiceUri', 'AzureWebJobsStorage__blobServiceUri']);
        expect((error as Error).message).toMatch(/AzureWebJobsStorage__queueServiceUri is required when AzureWebJobsStorage__accountName is not set/);
      }
    });

    it('checks the identity-based values', () => {
      expect(() => parseSettings({ ...withoutStorage, AzureWebJobsStorage__accountName: 'St-Example' })).toThrow(/AzureWebJobsStorage__accountName must be a storage account name/);
      expect(() => parseSettings({ ...withoutStorage, ...identity, AzureWebJobsStorage__blobServiceUri: 'http://stexample.blob.core.windows.net' })).toThrow(
        /AzureWebJobsStorage__blobServiceUri must be an https URL/,
      );
      expect(() => parseSettings({ ...withoutStorage, ...identity, AzureWebJobsStorage__credential: 'clientsecret' })).toThrow(/AzureWebJobsStorage__credential must be "managedidentity"/);
      expect(() => parseSettings({ ...withoutStorage, ...identity, AzureWebJobsStorage__credential: undefined })).toThrow(
        /AzureWebJobsStorage__credential must be "managedidentity" when AzureWebJobsStorage__clientId is set/,
      );
    });
  });

  it('names every bad setting at once', () => {
    try {
      parseSettings({ ...required, AzureWebJobsStorage: 'not a connection string', IMPORT_SCHEDULE: '0 6 * * 0' });
      throw new Error('expected a SettingsError');
    } catch (error) {
      expect(error).toBeInstanceOf(SettingsError);
      expect((error as SettingsError).settings).toEqual(['AzureWebJobsStorage', 'IMPORT_SCHEDULE']);
      expect((error as Error).message).toMatch(/AzureWebJobsStorage is not a storage connection string.*IMPORT_SCHEDULE must be/);
    }
  });

  it('has every setting documented in the README\'s Settings table', () => {
    const table = readFileSync(path.join(repoRoot, 'README.md'), 'utf8').split('## Settings')[1]!.split('\n## ')[0]!;
    expect(settingNames.filter((name) => !table.includes(`\`${name}\``))).toEqual([]);
  });
});
