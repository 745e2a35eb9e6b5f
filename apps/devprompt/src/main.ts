import * as tf from "@tensorflow/tfjs";
import { runCli } from "./cli/program";
import { COMMANDS } from "./commands";

// Production mode of TensorFlow.js 4.22 silences its console notice that
// suggests installing tfjs-node, which cannot be installed offline and would
// otherwise print on every run.
tf.env().set("PROD", true);

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
