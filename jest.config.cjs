/** Runs every project's tests in one Jest process tree. */
module.exports = {
  projects: ['<rootDir>/packages/*/jest.config.cjs', '<rootDir>/apps/*/jest.config.cjs'],
  reporters: ['default', '<rootDir>/tools/jest/summary-reporter.cjs'],
};
