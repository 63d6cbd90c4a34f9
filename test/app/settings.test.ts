import { parseSettings, SettingsError } from '../../shared/config/settings';

describe('parseSettings', () => {
  it('accepts a connection string and applies defaults', () => {
    expect(parseSettings({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' })).toEqual({
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
      IMPORT_SCHEDULE: '0 0 6 * * 0',
    });
  });

  it('treats an empty value as unset', () => {
    expect(() => parseSettings({ AzureWebJobsStorage: '' })).toThrow(/AzureWebJobsStorage is required/);
  });

  it('names every bad setting at once', () => {
    try {
      parseSettings({ AzureWebJobsStorage: 'not a connection string', IMPORT_SCHEDULE: '0 6 * * 0' });
      throw new Error('expected a SettingsError');
    } catch (error) {
      expect(error).toBeInstanceOf(SettingsError);
      expect((error as SettingsError).settings).toEqual(['AzureWebJobsStorage', 'IMPORT_SCHEDULE']);
      expect((error as Error).message).toMatch(/AzureWebJobsStorage is not a storage connection string.*IMPORT_SCHEDULE must be/);
    }
  });
});
