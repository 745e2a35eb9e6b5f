import { getArchitecture } from "../../src/architecture";
import type {
  Activation,
  ClipArchitecture,
} from "../../src/architecture/types";
import { SeededRandom } from "../../src/checkpoint/prng";
import { generateRandomWeights } from "../../src/checkpoint/random-weights";
import { readTextTower, type TextTower } from "../../src/text/text-tower";

/**
 * Returns the `test-tiny` architecture (text width 32, 2 heads, 3 layers,
 * embedding 24) with the requested MLP activation.
 */
export function tinyArchitecture(activation: Activation): ClipArchitecture {
  return { ...getArchitecture("test-tiny"), activation };
}

/** Text tower of a seeded random `test-tiny` checkpoint. */
export function tinyTextTower(activation: Activation, seed = 1): TextTower {
  const architecture = tinyArchitecture(activation);
  return readTextTower(generateRandomWeights(architecture, seed), architecture);
}

/** Seeded N(0, std²) values, for example prompt embeddings `prompts × tokens × width`. */
export function randomValues(
  count: number,
  seed: number,
  std = 0.5,
): Float32Array {
  const random = new SeededRandom(seed, "text-encoder-test-input");
  return Float32Array.from(
    { length: count },
    () => std * random.nextGaussian(),
  );
}
