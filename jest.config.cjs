/**
 * Runs every project's tests in one Jest process tree. `testTimeout` is a
 * global option, so it must be set here: Jest ignores it in project configs.
 */
module.exports = {
  projects: [
    "<rootDir>/packages/*/jest.config.cjs",
    "<rootDir>/apps/*/jest.config.cjs",
  ],
  reporters: ["default", "<rootDir>/tools/jest/summary-reporter.cjs"],
  testTimeout: 120000,
};
