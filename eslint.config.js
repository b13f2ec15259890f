// ESLint flat config: @eslint/js + typescript-eslint recommended (syntactic
// only, no type information: fast). `npm run lint` lints src, test, bench, client and admin.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig([
  globalIgnores([
    "**/node_modules/",
    ".wrangler/",
    "coverage/",
    "test-results/",
    "migrations/",
    "worker-configuration.d.ts",
    // kinto-http's browser build, as published (the live-changes demo serves it).
    "client/vendor/",
    // The admin's build output (scripts/build-admin.mjs).
    "admin/dist/",
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
    },
  },
  {
    // The live-changes client module runs in browsers and in Node.
    files: ["client/**"],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    // The admin single-page app runs in browsers.
    files: ["admin/src/**"],
    languageOptions: { globals: globals.browser },
  },
  {
    // Node-side scripts: benchmarks, end-to-end setup, tool configs.
    files: ["bench/**", "scripts/**", "cli/**", "test/e2e/**", "*.config.{js,ts,mjs}"],
    languageOptions: { globals: globals.node },
  },
]);
