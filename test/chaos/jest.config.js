/** The chaos suite: real api/worker processes against a private PostgreSQL and Redis. Not part of `npm test`. */
const path = require('node:path');

module.exports = {
  displayName: 'chaos',
  rootDir: path.resolve(__dirname, '../..'),
  testMatch: ['<rootDir>/test/chaos/**/*.chaos-spec.ts'],
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleNameMapper: {
    '^@app/tenancy$': '<rootDir>/libs/tenancy/src',
    '^@app/tenant-routing$': '<rootDir>/libs/tenant-routing/src',
  },
  testEnvironment: 'node',
  testTimeout: 90_000,
};
