import { checkMatrix } from "./check-shape";
import { l2NormalizeRows } from "./l2-normalize";

/**
 * Visual memory of the k normal shots: for each feature tap, the
 * L2-normalised patch features of every shot stacked into one matrix.
 */
export interface VisualMemory {
  /** One matrix per tap, each of shape (rows, dim), row-major, unit rows. */
  readonly taps: readonly Float32Array[];
  /** Rows per tap: shots × patches (225 per shot for a 15 × 15 grid). */
  readonly rows: number;
  /** Feature width of the taps (896 for ViT-B-16-plus-240). */
  readonly dim: number;
}

/**
 * Builds the visual memory from the tap features of the k shots.
 *
 * @param shots - one entry per shot; each entry contains one array per tap of
 *   shape (patches, dim), row-major, normalised or not (rows are
 *   L2-normalised here)
 * @param patches - patches per image
 * @param dim - feature width of the taps
 * @returns the memory with shots × patches rows per tap, shots in input order
 */
export function buildVisualMemory(
  shots: readonly (readonly Float32Array[])[],
  patches: number,
  dim: number,
): VisualMemory {
  if (shots.length === 0) {
    throw new RangeError(
      "buildVisualMemory: expected the features of at least one shot, got none",
    );
  }
  const tapCount = shots[0].length;
  if (tapCount === 0) {
    throw new RangeError(
      "buildVisualMemory: the first shot has no feature taps",
    );
  }

  const rows = shots.length * patches;
  const taps: Float32Array[] = [];
  for (let t = 0; t < tapCount; t++) {
    const stacked = new Float32Array(rows * dim);
    shots.forEach((shotTaps, s) => {
      if (shotTaps.length !== tapCount) {
        throw new RangeError(
          `buildVisualMemory: shot ${s} has ${shotTaps.length} taps, expected ${tapCount} like shot 0`,
        );
      }
      checkMatrix(
        `buildVisualMemory shot ${s} tap ${t}`,
        shotTaps[t],
        patches,
        dim,
      );
      stacked.set(
        l2NormalizeRows(shotTaps[t], patches, dim),
        s * patches * dim,
      );
    });
    taps.push(stacked);
  }
  return { taps, rows, dim };
}
