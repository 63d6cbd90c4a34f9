import { parseSettings, SettingsError } from '../../shared/config/settings';

describe('parseSettings', () => {
  const required = { AzureWebJobsStorage: 'UseDevelopmentStorage=true', AUTH_AUDIENCE: 'api://insights-to-glint' };

  it('accepts the required settings and applies defaults', () => {
    expect(parseSettings(required)).toEqual({
      ...required,
      AUTH_MODE: 'entra',
      AUTH_JWKS_URI: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
      AUTH_LOCAL_KEYS_DIR: '.local/keys',
      IMPORT_SCHEDULE: '0 0 6 * * 0',
    });
  });

  it('treats an empty value as unset', () => {
    expect(() => parseSettings({ ...required, AzureWebJobsStorage: '' })).toThrow(/AzureWebJobsStorage is required/);
    expect(() => parseSettings({ ...required, AUTH_AUDIENCE: '' })).toThrow(/AUTH_AUDIENCE/);
  });

  it('refuses local tokens when running in Azure', () => {
    expect(parseSettings({ ...required, AUTH_MODE: 'local' }).AUTH_MODE).toBe('local');
    expect(() => parseSettings({ ...required, AUTH_MODE: 'local', WEBSITE_INSTANCE_ID: 'abc123' })).toThrow(/AUTH_MODE is "local", which is refused when running in Azure/);
    expect(() => parseSettings({ ...required, AUTH_MODE: 'anonymous' })).toThrow(/AUTH_MODE must be "entra" or "local"/);
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
});
