// Lint rules for the whole workspace. Module boundaries follow the package
// dependency order: apps may use every package, prompt-learner may use
// clip-encoders, and no other package imports another.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import nx from "@nx/eslint-plugin";
import prettier from "eslint-config-prettier";

export default tseslint.config(
  {
    ignores: [
      "**/dist/**",
      "**/node_modules/**",
      "docs/api/**",
      ".nx/**",
      "coverage/**",
      "tmp/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    plugins: { "@nx": nx },
    rules: {
      "@nx/enforce-module-boundaries": [
        "error",
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            {
              sourceTag: "scope:app",
              onlyDependOnLibsWithTags: [
                "scope:metrics",
                "scope:datasets",
                "scope:clip-encoders",
                "scope:prompt-learner",
                "scope:deviation-loss",
              ],
            },
            {
              sourceTag: "scope:prompt-learner",
              onlyDependOnLibsWithTags: ["scope:clip-encoders"],
            },
            { sourceTag: "scope:clip-encoders", onlyDependOnLibsWithTags: [] },
            { sourceTag: "scope:deviation-loss", onlyDependOnLibsWithTags: [] },
            { sourceTag: "scope:datasets", onlyDependOnLibsWithTags: [] },
            { sourceTag: "scope:metrics", onlyDependOnLibsWithTags: [] },
          ],
        },
      ],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        __dirname: "readonly",
        process: "readonly",
        globalThis: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["**/*.mjs"],
    languageOptions: {
      globals: { process: "readonly", console: "readonly", URL: "readonly" },
    },
  },
  prettier,
);
