import type { OptionSpec } from "./option-spec";

/** Options every command accepts, in config files too (except --config). */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  {
    key: "verbose",
    kind: "boolean",
    description: "print debug messages on stderr",
    defaultValue: false,
  },
  {
    key: "quiet",
    kind: "boolean",
    description: "print only errors on stderr (results still go to stdout)",
    defaultValue: false,
  },
];
