/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  // The Node worker provides @azure/functions-core by intercepting require; jest's loader bypasses
  // that, so point the module name at the same facade the local host installs.
  moduleNameMapper: { '^@azure/functions-core$': '<rootDir>/local/host/core-module.ts' },
  testTimeout: 60_000,
};
