import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

/**
 * Backends every numeric spec runs against: `cpu` is the deterministic
 * reference, `wasm` the fast one. Both are in-process and need no network.
 */
export const BACKENDS = ["cpu", "wasm"] as const;

/** A backend name of {@link BACKENDS}. */
export type BackendName = (typeof BACKENDS)[number];

/**
 * Switches tfjs to `name` and waits until it is ready.
 *
 * @param name - backend to use
 */
export async function useBackend(name: BackendName): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) {
    throw new Error(`tfjs backend "${name}" failed to initialise`);
  }
  await tf.ready();
}
