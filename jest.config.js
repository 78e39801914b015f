// Jest in native ESM mode (NestJS 12 is ESM-only): ts-jest emits ESM, and relative imports
// written with `.js` are mapped back to the .ts sources.
const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: ['TS151001'] } }];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node',
};

export default {
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/harness/global-setup.ts',
      globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
    },
    {
      // Formats checked by implementations we did not write (docs/testing.md, Conformance): credentials,
      // status lists, identifiers and checkpoints read by third-party libraries and tools.
      ...common,
      displayName: 'conformance',
      testMatch: ['<rootDir>/test/conformance/**/*.conformance-spec.ts'],
      globalSetup: '<rootDir>/test/harness/global-setup.ts',
      globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
    },
    {
      // The fault harness (docs/testing.md, Fault harness): gateways as child processes killed, their
      // database restarted, departments failing, all under load. Full size with `npm run
      // test:faults` (FAULTS_SIZE=full); `npm test` runs it smaller. Same global setup as e2e (run once).
      ...common,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.faults-spec.ts'],
      globalSetup: '<rootDir>/test/harness/global-setup.ts',
      globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
    },
  ],
};
