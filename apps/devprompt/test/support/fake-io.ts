import type { CommandIo } from "../../src/cli/command-definition";

/** Creates command output channels that collect stdout and stderr text. */
export function fakeIo(): { out: string[]; err: string[]; io: CommandIo } {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = {
    stdout: (text) => void out.push(text),
    stderr: { write: (text) => void err.push(text) },
  };
  return { out, err, io };
}
