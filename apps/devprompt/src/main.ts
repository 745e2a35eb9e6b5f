import { runCli } from "./cli/program";
import { COMMANDS } from "./commands";

// Entry point of the `devprompt` executable (bundled into dist/main.js).
runCli(process.argv.slice(2), COMMANDS).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`devprompt: internal error: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
