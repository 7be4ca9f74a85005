/** Unit tests sit beside the code; integration and end-to-end tests live under test/. */
const shared = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleNameMapper: {
    '^@app/tenancy$': '<rootDir>/libs/tenancy/src',
    '^@app/tenant-routing$': '<rootDir>/libs/tenant-routing/src',
  },
  testEnvironment: 'node',
  rootDir: __dirname,
};

module.exports = {
  // End-to-end tests wait for real provisioning; each wait has its own, shorter, deadline.
  testTimeout: 60_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
