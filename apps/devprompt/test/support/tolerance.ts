/**
 * The one tolerance helper of this project's tests.
 *
 * Map values lie in [0, 1] and are float32. A float32 step near 1 is
 * 1.2e-7; a dot product over up to 900 channels, summed in another order
 * than PyTorch sums it, moves a result by a few 1e-7 more. Absolute 1e-5
 * therefore separates rounding from a real difference by about two orders
 * of magnitude, and it is the accuracy the golden fixtures must meet.
 * Optimiser values can exceed 1, so a relative term is allowed as well.
 */
export const MAP_TOLERANCE = { atol: 1e-5, rtol: 0 };

/** Tolerance for optimiser trajectories: float32 updates over a few epochs. */
export const OPTIM_TOLERANCE = { atol: 1e-6, rtol: 1e-5 };

/** Absolute and relative tolerance: |a − e| ≤ atol + rtol · |e|. */
export interface Tolerance {
  atol: number;
  rtol: number;
}

/**
 * Asserts that two arrays have the same length and agree element by
 * element within the tolerance. On failure the message names the first
 * bad index, the actual and expected values, and how many elements fail.
 */
export function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: Tolerance,
  label = "array",
): void {
  if (actual.length !== expected.length) {
    throw new Error(
      `${label}: length ${actual.length}, expected ${expected.length}`,
    );
  }
  let firstBad = -1;
  let failures = 0;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const difference = Math.abs(actual[i] - expected[i]);
    const allowed = tolerance.atol + tolerance.rtol * Math.abs(expected[i]);
    const ok =
      difference <= allowed ||
      (Number.isNaN(actual[i]) && Number.isNaN(expected[i]));
    if (!ok) {
      failures++;
      if (firstBad < 0) firstBad = i;
    }
    if (Number.isFinite(difference)) worst = Math.max(worst, difference);
  }
  if (failures > 0) {
    throw new Error(
      `${label}: ${failures} of ${actual.length} values differ beyond atol ${tolerance.atol}, rtol ${tolerance.rtol}; ` +
        `first at index ${firstBad}: actual ${actual[firstBad]}, expected ${expected[firstBad]}; largest difference ${worst}`,
    );
  }
}

/** Asserts that a scalar agrees with the expected value within the tolerance. */
export function expectClose(
  actual: number,
  expected: number,
  tolerance: Tolerance,
  label = "value",
): void {
  expectAllClose([actual], [expected], tolerance, label);
}

/**
 * End to end, from pixels through both encoders to the final map and the
 * metrics: ONNX Runtime in float32 against PyTorch in float64 over a
 * 12-block vision tower and a 3-block text tower, then softmax, fusion,
 * upsampling and blur. Measured on the test-tiny fixture: at most 1.5e-7 on
 * the maps and image scores, 1e-16 on the metrics. 1e-4 is the agreement
 * the product promises end to end (metrics compared as fractions, not
 * percent).
 */
export const PIPELINE_TOLERANCE = { atol: 1e-4, rtol: 0 };
