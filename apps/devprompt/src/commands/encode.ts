import type { CommandDefinition } from "../cli/command-definition";
import { runEncode } from "../pipeline/run-encode";
import { OPTIONS } from "./shared-options";

/** `devprompt encode`: writes the image features the method uses. */
export const encodeCommand: CommandDefinition = {
  name: "encode",
  summary: "write the CLIP image features of images as .npy files",
  description:
    "Runs the frozen image encoder with the V-V path on each image and writes the global embedding, the V-V patch tokens and the two tap features as float32 .npy files with a manifest, for inspection or external tools.",
  arguments: [
    {
      name: "images",
      description: "image files to encode",
      variadic: true,
      required: true,
    },
  ],
  options: [
    OPTIONS.model,
    {
      key: "out",
      kind: "path",
      valueName: "dir",
      description: "folder for the .npy files and manifest.json",
      required: true,
    },
    OPTIONS.device,
    OPTIONS.allowCpuFallback,
    OPTIONS.referenceQuirks,
    OPTIONS.overwrite,
  ],
  async run({ options, args, log, io }) {
    const out = await runEncode(
      {
        model: options.model as string,
        images: args,
        out: options.out as string,
        device: options.device as "cpu" | "cuda",
        allowCpuFallback: options.allowCpuFallback === true,
        referenceQuirks: options.referenceQuirks === true,
        overwrite: options.overwrite === true,
      },
      log,
    );
    io.stdout(`encoded ${args.length} image(s) into ${out}\n`);
  },
};
