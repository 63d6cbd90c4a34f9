import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSettings, settingNames, SettingsError } from '../../shared/config/settings';
import { repoRoot } from '../support/local-stack';

describe('parseSettings', () => {
  const required = { AzureWebJobsStorage: 'UseDevelopmentStorage=true', AUTH_AUDIENCE: 'api://insights-to-glint', IMPORT_SCHEDULE: '0 0 6 * * 0' };

  it('accepts the required settings and applies defaults', () => {
    expect(parseSettings(required)).toEqual({
      ...required,
      AUTH_MODE: 'entra',
      AUTH_JWKS_URI: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
      AUTH_LOCAL_KEYS_DIR: '.local/keys',
      INSIGHTS_FILE_CONTAINER: 'insights-import',
      INSIGHTS_AUTH: 'managed-identity',
    });
  });

  it('treats an empty value as unset', () => {
    expect(() => parseSettings({ ...required, AzureWebJobsStorage: '' })).toThrow(/AzureWebJobsStorage is required/);
    expect(() => parseSettings({ ...required, AUTH_AUDIENCE: '' })).toThrow(/AUTH_AUDIENCE/);
    expect(() => parseSettings({ ...required, IMPORT_SCHEDULE: '' })).toThrow(/IMPORT_SCHEDULE is required/);
  });

  it('refuses local tokens when running in Azure', () => {
    expect(parseSettings({ ...required, AUTH_MODE: 'local' }).AUTH_MODE).toBe('local');
    expect(() => parseSettings({ ...required, AUTH_MODE: 'local', WEBSITE_INSTANCE_ID: 'abc123' })).toThrow(/AUTH_MODE is "local", which is refused when running in Azure/);
    expect(() => parseSettings({ ...required, AUTH_MODE: 'anonymous' })).toThrow(/AUTH_MODE must be "entra" or "local"/);
  });

  it('checks the Insights credential settings', () => {
    expect(() => parseSettings({ ...required, INSIGHTS_AUTH: 'static' })).toThrow(/INSIGHTS_STATIC_TOKEN is required/);
    expect(() => parseSettings({ ...required, INSIGHTS_AUTH: 'static', INSIGHTS_STATIC_TOKEN: 't', WEBSITE_INSTANCE_ID: 'x' })).toThrow(/INSIGHTS_AUTH is "static"/);
    expect(() => parseSettings({ ...required, INSIGHTS_AUTH: 'client-secret', INSIGHTS_CLIENT_ID: 'id' })).toThrow(/INSIGHTS_CLIENT_SECRET is required/);
    expect(() => parseSettings({ ...required, INSIGHTS_FILE_CONTAINER: 'Bad_Name' })).toThrow(/INSIGHTS_FILE_CONTAINER must be a blob container name/);
  });

  describe('storage', () => {
    const withoutStorage = { AUTH_AUDIENCE: required.AUTH_AUDIENCE, IMPORT_SCHEDULE: required.IMPORT_SCHEDULE };
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
