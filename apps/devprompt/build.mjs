// Bundles the devprompt command into dist/main.js with esbuild.
//
// Workspace packages (@devprompt/*) are resolved through the `paths` of
// tsconfig.base.json and bundled in. npm packages are bundled too, except
// those that ship native addons (.node) or WebAssembly (.wasm) files, which
// must be loaded from node_modules at run time, and the always-external
// families below.
import { build } from "esbuild";
import { chmodSync, existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const appDir = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(appDir, "package.json"));

/**
 * Packages kept external whatever their contents (prefix match for scopes).
 * `tsx` is only resolved by path (the dataset loader's worker pool), so it
 * must stay a file in node_modules.
 */
const ALWAYS_EXTERNAL = [
  "onnxruntime-node",
  "onnxruntime-common",
  "sharp",
  "@img/",
  "@tensorflow/",
  "tsx",
];

/** Depth limit when searching a package for binary files. */
const MAX_SCAN_DEPTH = 6;

const binaryCache = new Map();

/** Returns the package name of a bare import, e.g. `@scope/a` for `@scope/a/b`. */
function packageName(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** Finds the folder of an installed package, or undefined. */
function packageDir(name) {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    // Packages whose exports map hides package.json: walk up from the entry.
    try {
      let dir = path.dirname(require.resolve(name));
      while (dir !== path.dirname(dir)) {
        if (existsSync(path.join(dir, "package.json"))) return dir;
        dir = path.dirname(dir);
      }
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Returns true when a package folder contains a .node or .wasm file. */
function holdsBinaries(dir, depth = 0) {
  if (depth > MAX_SCAN_DEPTH) return false;
  for (const entry of readdirSync(dir)) {
    if (entry.endsWith(".node") || entry.endsWith(".wasm")) return true;
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    const child = path.join(dir, entry);
    if (statSync(child).isDirectory() && holdsBinaries(child, depth + 1))
      return true;
  }
  return false;
}

const externalBinaries = {
  name: "external-binaries",
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:") || args.path.startsWith("@devprompt/"))
        return undefined;
      const name = packageName(args.path);
      if (
        ALWAYS_EXTERNAL.some(
          (prefix) => name === prefix || name.startsWith(prefix),
        )
      ) {
        return { path: args.path, external: true };
      }
      if (!binaryCache.has(name)) {
        const dir = packageDir(name);
        binaryCache.set(name, dir !== undefined && holdsBinaries(dir));
      }
      return binaryCache.get(name)
        ? { path: args.path, external: true }
        : undefined;
    });
  },
};

const result = await build({
  entryPoints: [path.join(appDir, "src/main.ts")],
  outfile: path.join(appDir, "dist/main.js"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: true,
  tsconfig: path.join(appDir, "tsconfig.lib.json"),
  banner: { js: "#!/usr/bin/env node" },
  plugins: [externalBinaries],
  metafile: true,
  logLevel: "warning",
});

// The bundle is the `bin` of the package, so it must be executable.
chmodSync(path.join(appDir, "dist/main.js"), 0o755);

const externals = [...binaryCache.entries()]
  .filter(([, external]) => external)
  .map(([name]) => name);
const bytes = Object.values(result.metafile.outputs).reduce(
  (sum, output) => sum + output.bytes,
  0,
);
console.log(
  `built apps/devprompt/dist/main.js (${(bytes / 1024).toFixed(0)} KiB with source map)` +
    (externals.length > 0
      ? `; external packages with binaries: ${externals.join(", ")}`
      : ""),
);
