import { MetricResult, undefinedMetric } from "./metric-result";
import { ThresholdCounts } from "./threshold-counts";

/** Area under the PRO curve up to a false-positive-rate limit. */
export interface AuproResult extends MetricResult {
  /** FPR at which integration stops; the area is divided by it. */
  readonly integrationLimit: number;
  /** Number of ground-truth regions the PRO averages over. */
  readonly regionCount: number;
}

/** Binned AUPRO with a bound on its distance to the exact value. */
export interface BinnedAuproResult extends AuproResult {
  /** Number of equal-width score bins between the lowest and highest score. */
  readonly bins: number;
  /**
   * Upper bound on `|value - exact|`, where `exact` is the AUPRO over all
   * distinct thresholds; computed from the binned curve itself.
   */
  readonly errorBound: number;
}

/** Options of the exact AUPRO. */
export interface AuproOptions {
  /** FPR limit of the integration, in (0, 1]. */
  readonly integrationLimit?: number;
}

/** Options of the binned AUPRO. */
export interface BinnedAuproOptions extends AuproOptions {
  /** Number of equal-width score bins, an integer from 1 to 2^24. */
  readonly bins?: number;
}

/**
 * Returns a copy of the default AUPRO options.
 *
 * The limit 0.3 is the value of the MVTec AD evaluation protocol (Bergmann
 * et al., "The MVTec Anomaly Detection Dataset", IJCV 2021) that papers on
 * MVTec AD and VisA report. 65536 bins keep the two histograms at 1 MiB;
 * the binned result states its own error bound.
 *
 * @returns `{ integrationLimit: 0.3, bins: 65536 }`, a new object per call.
 */
export function defaultAuproOptions(): Required<BinnedAuproOptions> {
  return { integrationLimit: 0.3, bins: 65536 };
}

// Two float64 histograms of 2^24 bins take 256 MiB; more bins than that
// cost more than the exact computation.
const MAX_BINS = 2 ** 24;

/**
 * Trapezoid integration of a monotone curve that starts at (0, 0), cut at
 * `limit` with linear interpolation. `bound` sums, per segment, the largest
 * possible difference between the chord and any monotone curve through its
 * end points: half the segment's box for whole segments, the full box for
 * the cut one.
 */
class LimitedTrapezoid {
  area = 0;
  bound = 0;
  done = false;
  private x = 0;
  private y = 0;

  constructor(private readonly limit: number) {}

  add(x: number, y: number): void {
    if (x <= this.limit) {
      this.area += ((x - this.x) * (y + this.y)) / 2;
      this.bound += ((x - this.x) * (y - this.y)) / 2;
      this.x = x;
      this.y = y;
      return;
    }

    const width = this.limit - this.x;
    const yAtLimit = this.y + ((y - this.y) * width) / (x - this.x);
    this.area += (width * (this.y + yAtLimit)) / 2;
    this.bound += width * (y - this.y);
    this.done = true;
  }
}

/** Pixel data the PRO computations read. */
export interface ProData {
  /** Total number of normal pixels. */
  readonly normalCount: number;
  /** Pixel count of every ground-truth region, indexed by region id. */
  readonly regionSizes: Uint32Array;
}

/**
 * Returns the integration limit of the options (default 0.3).
 *
 * @internal
 */
export function resolveLimit(options: AuproOptions | undefined): number {
  const limit =
    options?.integrationLimit ?? defaultAuproOptions().integrationLimit;
  if (!(limit > 0 && limit <= 1)) {
    throw new RangeError(`integrationLimit must be in (0, 1]; got ${limit}`);
  }
  return limit;
}

function undefinedAupro(data: ProData, limit: number): AuproResult | undefined {
  const regionCount = data.regionSizes.length;
  if (regionCount === 0) {
    return {
      ...undefinedMetric(
        "AUPRO is undefined without anomalous regions; every mask is empty",
      ),
      integrationLimit: limit,
      regionCount,
    };
  }
  if (data.normalCount === 0) {
    return {
      ...undefinedMetric(
        "AUPRO is undefined without normal pixels, because the false-positive rate divides by 0",
      ),
      integrationLimit: limit,
      regionCount,
    };
  }
  return undefined;
}

/**
 * Running sum with Neumaier's compensation. PRO adds up to one share per
 * anomalous score, often 10^5 or more equal terms such as 1/300000, where a
 * plain float64 sum drifts by about 1e-12.
 */
class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  add(term: number): void {
    const total = this.sum + term;
    if (Math.abs(this.sum) >= Math.abs(term)) {
      this.compensation += this.sum - total + term;
    } else {
      this.compensation += term - total + this.sum;
    }
    this.sum = total;
  }

  get value(): number {
    return this.sum + this.compensation;
  }
}

/**
 * Returns the PRO from the summed region shares. The shares of one region add
 * up to 1 only up to rounding, so the mean is clamped to 1 and a perfect map
 * scores exactly 1.
 */
function proValue(overlapSum: number, regionCount: number): number {
  return Math.min(1, overlapSum / regionCount);
}

/**
 * Returns 1 / pixel count of each region: a pixel's share of its region.
 *
 * @internal
 */
export function inverseSizes(regionSizes: Uint32Array): Float64Array {
  const inverse = new Float64Array(regionSizes.length);
  for (let r = 0; r < regionSizes.length; r++) inverse[r] = 1 / regionSizes[r];
  return inverse;
}

/**
 * Computes the exact AUPRO from per-threshold counts, with one curve point
 * per distinct positive score and one per gap of negatives between them.
 * The points in such a gap lie on one horizontal line, so they add the same
 * area as one segment.
 *
 * @param counts - Counts with `regionOverlap` (summed 1 / region size).
 * @param data - Region sizes and the normal pixel count.
 * @param limit - FPR limit in (0, 1].
 *
 * @internal
 */
export function sweepExactAupro(
  counts: ThresholdCounts,
  data: ProData,
  limit: number,
): AuproResult {
  const undefinedResult = undefinedAupro(data, limit);
  if (undefinedResult) return undefinedResult;

  const regionCount = data.regionSizes.length;
  const normalCount = data.normalCount;
  const { values, negativesEqual, negativesBelow } = counts;
  const overlap = counts.regionOverlap ?? new Float64Array(values.length);
  const curve = new LimitedTrapezoid(limit);

  let falsePositives = negativesBelow[values.length];
  const overlapSum = new CompensatedSum();
  if (falsePositives > 0) curve.add(falsePositives / normalCount, 0);
  for (let d = values.length - 1; d >= 0 && !curve.done; d--) {
    falsePositives += negativesEqual[d];
    overlapSum.add(overlap[d]);
    curve.add(
      falsePositives / normalCount,
      proValue(overlapSum.value, regionCount),
    );

    if (negativesBelow[d] > 0 && !curve.done) {
      falsePositives += negativesBelow[d];
      curve.add(
        falsePositives / normalCount,
        proValue(overlapSum.value, regionCount),
      );
    }
  }

  return { value: curve.area / limit, integrationLimit: limit, regionCount };
}

function scoreRange(chunks: readonly Float32Array[]): [number, number] {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const chunk of chunks) {
    for (let k = 0; k < chunk.length; k++) {
      const score = chunk[k];
      if (score < low) low = score;
      if (score > high) high = score;
    }
  }
  return [low, high];
}

/**
 * Computes AUPRO from histograms of the scores in equal-width bins, without
 * sorting.
 *
 * Every binned curve point equals an exact curve point (the counts of scores
 * at or above a bin's lower edge), so the exact curve runs through the same
 * points and stays, between two of them, inside the box they span. The
 * returned `errorBound` adds up those boxes and is therefore a guaranteed
 * bound, not an estimate.
 *
 * @param positiveChunks - Anomalous pixel scores, any order.
 * @param regionChunks - Region id per anomalous pixel, chunked as the scores.
 * @param negativeChunks - Normal pixel scores, any order.
 * @param data - Region sizes and the normal pixel count.
 * @param limit - FPR limit in (0, 1].
 * @param bins - Number of bins, an integer from 1 to 2^24.
 *
 * @internal
 */
export function binnedAupro(
  positiveChunks: readonly Float32Array[],
  regionChunks: readonly Uint32Array[],
  negativeChunks: readonly Float32Array[],
  data: ProData,
  limit: number,
  bins: number,
): BinnedAuproResult {
  if (!(Number.isInteger(bins) && bins >= 1 && bins <= MAX_BINS)) {
    throw new RangeError(
      `bins must be an integer from 1 to ${MAX_BINS}; got ${bins}. Use the exact aupro() when the bound of the binned value is too loose`,
    );
  }
  const undefinedResult = undefinedAupro(data, limit);
  if (undefinedResult) {
    return { ...undefinedResult, bins, errorBound: Number.NaN };
  }

  const [low, high] = scoreRange([...positiveChunks, ...negativeChunks]);
  // With all scores equal every score falls into bin 0.
  const scale = high > low ? bins / (high - low) : 0;
  const last = bins - 1;
  const weights = inverseSizes(data.regionSizes);
  const overlapPerBin = new Float64Array(bins);
  const normalPerBin = new Float64Array(bins);

  positiveChunks.forEach((chunk, c) => {
    const regions = regionChunks[c];
    for (let k = 0; k < chunk.length; k++) {
      const bin = Math.min(last, Math.floor((chunk[k] - low) * scale));
      overlapPerBin[bin] += weights[regions[k]];
    }
  });
  for (const chunk of negativeChunks) {
    for (let k = 0; k < chunk.length; k++) {
      normalPerBin[Math.min(last, Math.floor((chunk[k] - low) * scale))]++;
    }
  }

  const regionCount = data.regionSizes.length;
  const curve = new LimitedTrapezoid(limit);
  let falsePositives = 0;
  const overlapSum = new CompensatedSum();
  for (let bin = last; bin >= 0 && !curve.done; bin--) {
    if (normalPerBin[bin] === 0 && overlapPerBin[bin] === 0) continue;
    falsePositives += normalPerBin[bin];
    overlapSum.add(overlapPerBin[bin]);
    curve.add(
      falsePositives / data.normalCount,
      proValue(overlapSum.value, regionCount),
    );
  }

  return {
    value: curve.area / limit,
    integrationLimit: limit,
    regionCount,
    bins,
    errorBound: curve.bound / limit,
  };
}
