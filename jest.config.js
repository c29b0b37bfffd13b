/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests', '<rootDir>/stack', '<rootDir>/sim', '<rootDir>/devices', '<rootDir>/scenarios'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 60000,
  // dist/ built once before the suite (tests run the command from it).
  globalSetup: '<rootDir>/tests/setup/build-dist.js',
  maxWorkers: 2,
  reporters: ['default', ['jest-junit', { outputDirectory: 'reports', outputName: 'jest-junit.xml' }]],
};
