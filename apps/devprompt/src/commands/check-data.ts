import type { DatasetFormat } from "@devprompt/datasets";
import type { CommandDefinition } from "../cli/command-definition";
import { checkDataset } from "../check-data/check-dataset";
import { formatDataReport } from "../check-data/data-report";
import { OPTIONS } from "./shared-options";

/** `devprompt check-data`: validates a dataset folder. */
export const checkDataCommand: CommandDefinition = {
  name: "check-data",
  summary: "validate a dataset and summarise it",
  description:
    "Checks a dataset root and prints the images per split and defect type, the image/mask pairs, the few-shot files train would use and every problem found with its file, as text or as JSON with --json. Decodes every image and mask and reports test images identical to training images (--quick skips both). Exits with status 1 when a problem is found.",
  options: [
    OPTIONS.dataset,
    OPTIONS.root,
    {
      ...OPTIONS.category,
      description: "check only this class (default: every class found)",
    },
    OPTIONS.shots,
    {
      ...OPTIONS.seed,
      description:
        "seed of the shot draw for datasets without a published selection",
    },
    {
      key: "quick",
      kind: "boolean",
      description:
        "only list the files; skip decoding every image and mask and the train/test duplicate check",
      defaultValue: false,
    },
    OPTIONS.json,
  ],
  async run({ options, io }) {
    const report = await checkDataset({
      dataset: options.dataset as DatasetFormat,
      root: options.root as string,
      category: options.category as string | undefined,
      shots: options.shots as number,
      seed: options.seed as number,
      quick: options.quick === true,
    });
    io.stdout(
      options.json === true
        ? `${JSON.stringify(report, null, 2)}\n`
        : formatDataReport(report),
    );
    if (report.problemCount > 0) {
      throw new Error(
        `the dataset has ${report.problemCount} problem(s); each is listed above with its file`,
      );
    }
  },
};
