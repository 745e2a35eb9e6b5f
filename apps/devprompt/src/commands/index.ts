import type { CommandDefinition } from "../cli/command-definition";
import { benchmarkCommand } from "./benchmark";
import { checkDataCommand } from "./check-data";
import { demoCommand } from "./demo";
import { encodeCommand } from "./encode";
import { evalCommand } from "./eval";
import { predictCommand } from "./predict";
import { sweepCommand } from "./sweep";
import { trainCommand } from "./train";
import { workerCommand } from "./worker";

/** Every subcommand of `devprompt`, in the order of the help. */
export const COMMANDS: readonly CommandDefinition[] = [
  trainCommand,
  evalCommand,
  predictCommand,
  benchmarkCommand,
  checkDataCommand,
  demoCommand,
  encodeCommand,
  sweepCommand,
  workerCommand,
];
