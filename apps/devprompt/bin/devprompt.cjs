#!/usr/bin/env node
// Entry point that npm links as `devprompt`. It exists before the build, so
// `npm ci` can link it, and it loads the bundle written by `npm run build:cli`.
const fs = require("node:fs");
const path = require("node:path");

const bundle = path.join(__dirname, "..", "dist", "main.js");
if (!fs.existsSync(bundle)) {
  process.stderr.write(
    `devprompt: ${bundle} not found; build the command first with "npm run build:cli" in the repository root\n`,
  );
  process.exit(1);
}
require(bundle);
