/** Default settings of the map pipeline after the patch grid. */
export interface MapDefaults {
  /** Side of the square output map in pixels. */
  outputSize: number;
  /** Gaussian blur standard deviation in output pixels. */
  blurSigma: number;
  /** Blur kernel radius in standard deviations. */
  blurTruncate: number;
}

// Source: PromptAD reference code. model.py upsamples the fused map to
// args.resolution = 400 and blurs it with scipy.ndimage.gaussian_filter
// (sigma=4), whose truncate default is 4.0.
const DEFAULTS: MapDefaults = {
  outputSize: 400,
  blurSigma: 4,
  blurTruncate: 4,
};

/**
 * Returns a copy of PromptAD's map settings: 400 × 400 output, blur σ = 4
 * pixels truncated at 4σ.
 *
 * @returns a new object each call
 */
export function defaultMapSettings(): MapDefaults {
  return { ...DEFAULTS };
}
