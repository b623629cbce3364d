// ESLint flat config: typescript-eslint's type-checked recommended set plus this project's standards.
// Formatting is Prettier's job (.prettierrc.json); eslint-config-prettier, last, turns off the rules it owns.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

// A relative specifier ending in .js/.mjs/.cjs: sources import siblings without a suffix.
// (esquery regexes cannot contain "/", so "relative" is "starts with a dot": package names never do.)
const JS_SUFFIX = "/^\\..*\\.[cm]?js$/";
const noJsSuffix = (node) => ({
  selector: `${node}[source.value=${JS_SUFFIX}]`,
  message: 'Relative imports carry no .js suffix: write "./foo", not "./foo.js".',
});

export default defineConfig(
  // Build output, coverage, run artifacts; node_modules is ignored by default.
  globalIgnores(["dist/", "coverage/", ".nyc_output/", "bench/results/", ".vtox/"]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Every .ts file is in tsconfig.json's include; the project service reads it once for the whole run.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": ["error", { "ts-ignore": true, "ts-nocheck": true, "ts-check": false, "ts-expect-error": "allow-with-description" }],
      "@typescript-eslint/consistent-type-imports": ["error", { prefer: "type-imports", fixStyle: "inline-type-imports", disallowTypeAnnotations: true }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          args: "after-used",
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrors: "all",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
      "@typescript-eslint/no-floating-promises": "error",
      "no-restricted-syntax": [
        "error",
        noJsSuffix("ImportDeclaration"),
        noJsSuffix("ExportNamedDeclaration"),
        noJsSuffix("ExportAllDeclaration"),
        noJsSuffix("ImportExpression"),
      ],
      eqeqeq: ["error", "always", { null: "ignore" }],
      "prefer-const": "error",
      // Moleculer hooks and handler contracts return promises; `async` without `await` is how they do it
      // (and it turns a synchronous throw into a rejection). Floating promises are what matters, and that rule is on.
      "@typescript-eslint/require-await": "off",
      // Moleculer middleware hooks get the broker as `this` and return plain (named) functions that need it.
      "@typescript-eslint/no-this-alias": ["error", { allowedNames: ["broker"] }],
    },
  },
  {
    // chai's property assertions (`expect(x).to.exist`, `.and.not.empty`) are expressions by design.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-unused-expressions": "off" },
  },
  {
    // Plain JavaScript (this file, the dashboard's public/app.js) is in no tsconfig: lint it without types.
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // The dashboard: a classic browser script (no bundler, no modules); socket.io's client script defines `io`.
    files: ["public/**/*.js"],
    languageOptions: {
      sourceType: "script",
      globals: {
        document: "readonly",
        fetch: "readonly",
        sessionStorage: "readonly",
        io: "readonly",
      },
    },
  },
  prettier,
);
