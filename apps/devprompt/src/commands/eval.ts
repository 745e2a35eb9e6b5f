import type { CommandDefinition } from "../cli/command-definition";
import { runEval, type EvalMetrics } from "../pipeline/run-eval";
import { OPTIONS } from "./shared-options";

/** `devprompt eval`: scores the test set of a trained run and computes metrics. */
export const evalCommand: CommandDefinition = {
  name: "eval",
  summary: "score the test images of a trained run and compute metrics",
  description:
    "Computes the textual, visual-memory and fused maps, upsamples and blurs them, scores every test image and compares with the masks. Writes metrics.json (imageAuroc, pixelAuroc, pro, imageAp, pixelAp, imageF1Max, pixelF1Max, in percent), scores.csv and heatmap overlays. For a classification run (trained with --feature-source global) the image scores are the result that matters; its maps come from prompts trained on global embeddings. --image-prompts pairs such a run with a segmentation run.",
  options: [
    {
      key: "run",
      kind: "path",
      valueName: "run-dir",
      description: "run directory written by devprompt train",
      required: true,
    },
    {
      key: "root",
      kind: "path",
      valueName: "path",
      description:
        "dataset root, when it moved since training (default: the root recorded in the run)",
    },
    OPTIONS.device,
    OPTIONS.allowCpuFallback,
    OPTIONS.skipBad,
    OPTIONS.outputSize,
    OPTIONS.blurSigma,
    {
      key: "heatmaps",
      kind: "int",
      valueName: "n",
      description: "number of test images to save heatmap overlays (PNG) for",
      defaultValue: 8,
      min: 0,
    },
    {
      key: "saveMaps",
      kind: "boolean",
      description:
        "also write each image’s raw maps as float32 .npy (textual, visual and fused on the patch grid, final at the output size) with a manifest",
      defaultValue: false,
    },
    {
      key: "deviationMap",
      kind: "boolean",
      description:
        "also compute the deviation map |⟨z, ā⟩ − μ| / σ of every image",
      defaultValue: false,
    },
    {
      key: "imagePrompts",
      kind: "path",
      valueName: "run-dir",
      description:
        "score images with the prompts of another run of the same class and checkpoint, e.g. one trained with --feature-source global; the maps keep this run's prompts",
    },
    OPTIONS.overwrite,
  ],
  async run({ options, log, io }) {
    const result = await runEval(
      {
        run: options.run as string,
        root: options.root as string | undefined,
        device: options.device as "cpu" | "cuda",
        allowCpuFallback: options.allowCpuFallback === true,
        skipBad: options.skipBad === true,
        outputSize: options.outputSize as number,
        blurSigma: options.blurSigma as number,
        heatmaps: options.heatmaps as number,
        saveMaps: options.saveMaps === true,
        deviationMap: options.deviationMap === true,
        overwrite: options.overwrite === true,
        imagePrompts: options.imagePrompts as string | undefined,
      },
      log,
    );
    io.stdout(formatMetrics(result.metrics, result.images));
    if (result.skipped.length > 0) {
      io.stdout(
        `skipped ${result.skipped.length} unreadable test image(s), listed in metrics.json:\n` +
          result.skipped.map(({ file }) => `  ${file}\n`).join(""),
      );
    }
  },
};

// Pixel metrics and PRO are undefined without masks; image metrics are
// undefined when the test set lacks normal or anomalous images.
function notAvailable(metric: string): string {
  return metric.startsWith("pixel") || metric === "pro"
    ? "n/a (no masks)"
    : "n/a";
}

/**
 * Formats metrics as aligned `name value` lines in percent.
 *
 * @param metrics - evaluation metrics
 * @param images - number of test images
 * @returns text ending with a newline
 */
export function formatMetrics(metrics: EvalMetrics, images: number): string {
  const lines = Object.entries(metrics).map(
    ([name, value]) =>
      `${name.padEnd(11)} ${value === null ? notAvailable(name) : (value as number).toFixed(2)}`,
  );
  return `${lines.join("\n")}\n(${images} test images; values in percent)\n`;
}
