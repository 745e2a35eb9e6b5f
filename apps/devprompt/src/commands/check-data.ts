import {
  NotWiredError,
  type CommandDefinition,
} from "../cli/command-definition";
import { OPTIONS } from "./shared-options";

/** `devprompt check-data`: validates a dataset folder. */
export const checkDataCommand: CommandDefinition = {
  name: "check-data",
  summary: "validate a dataset and summarise it",
  description:
    "Checks a dataset root and prints the images per split and defect type, the image/mask pairs and every problem found with its file, as text or as JSON with --json.",
  options: [
    OPTIONS.dataset,
    OPTIONS.root,
    { ...OPTIONS.category, description: "check only this class" },
    OPTIONS.json,
  ],
  async run() {
    // TODO: connect the dataset readers once @devprompt/datasets exports them.
    throw new NotWiredError("check-data", "@devprompt/datasets");
  },
};
