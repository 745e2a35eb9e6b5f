import {
  NotWiredError,
  type CommandDefinition,
} from "../cli/command-definition";
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
    OPTIONS.referenceQuirks,
    OPTIONS.overwrite,
  ],
  async run() {
    // TODO: connect the image encoder once @devprompt/clip-encoders exports it.
    throw new NotWiredError(
      "encode",
      "@devprompt/clip-encoders and @devprompt/datasets",
    );
  },
};
