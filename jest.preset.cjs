/**
 * Settings shared by every project's jest.config.cjs. Sources are compiled
 * by SWC without type checking; `npm run typecheck` checks types once for
 * the whole workspace.
 */
const path = require("node:path");

const root = __dirname;

module.exports = {
  testEnvironment: path.join(root, "tools/jest/node-realm-environment.cjs"),
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      {
        jsc: { parser: { syntax: "typescript" }, target: "es2022" },
        module: { type: "commonjs" },
      },
    ],
  },
  moduleFileExtensions: ["ts", "js", "json"],
  testMatch: ["<rootDir>/src/**/*.spec.ts", "<rootDir>/test/**/*.spec.ts"],
  moduleNameMapper: {
    "^@devprompt/(metrics|datasets|clip-encoders|prompt-learner|deviation-loss)$":
      path.join(root, "packages/$1/src/index.ts"),
  },
  testTimeout: 60000,
};
