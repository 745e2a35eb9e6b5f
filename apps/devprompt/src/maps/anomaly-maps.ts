import { bilinearResize } from "./bilinear-resize";
import { deviationMap } from "./deviation-map";
import { gaussianBlur } from "./gaussian-blur";
import { fuseMaps } from "./harmonic-fusion";
import { globalTextualScore, imageScore } from "./image-score";
import { textualMap } from "./textual-map";
import type { VisualMemory } from "./visual-memory";
import { visualMemoryMap } from "./visual-memory-map";

/** Encoder outputs of one image and the trained text anchors. */
export interface AnomalyMapInput {
  /** Patch grid rows (15 for ViT-B-16-plus-240 at 240 px). */
  gridHeight: number;
  /** Patch grid columns. */
  gridWidth: number;
  /** L2-normalised V-V patch features, shape (gridHeight · gridWidth, embedDim). */
  patchFeatures: Float32Array;
  /** Joint embedding width (640 for ViT-B-16-plus-240). */
  embedDim: number;
  /** L2-normalised tap features, one (patches, memory.dim) array per tap. */
  patchTaps: readonly Float32Array[];
  /** L2-normalised global image embedding, length embedDim. */
  globalEmbedding: Float32Array;
  /** L2-normalised normal anchor n̄, length embedDim. */
  normalAnchor: Float32Array;
  /** L2-normalised abnormal anchor ā, length embedDim. */
  abnormalAnchor: Float32Array;
  /** CLIP `logit_scale` as stored (about 4.6). */
  logitScale: number;
  /** Visual memory of the k shots. */
  memory: VisualMemory;
  /**
   * Anchors of the global image score, e.g. those of a classification run;
   * the map anchors above when omitted.
   */
  imageAnchors?: ImageScoreAnchors;
}

/** Text anchors used for the global image score only. */
export interface ImageScoreAnchors {
  /** L2-normalised normal anchor, length embedDim. */
  normalAnchor: Float32Array;
  /** L2-normalised abnormal anchor, length embedDim. */
  abnormalAnchor: Float32Array;
}

/** Reference statistics of the deviation score `⟨z_p, ā⟩`. */
export interface DeviationReference {
  /** Reference mean μ. */
  mu: number;
  /** Reference standard deviation σ, > 0. */
  sigma: number;
}

/** Settings of the map pipeline after the patch grid. */
export interface AnomalyMapOptions {
  /** Side of the square output map in pixels (400 in PromptAD's evaluation). */
  outputSize: number;
  /** Gaussian blur standard deviation in output pixels (4 in PromptAD). */
  blurSigma: number;
  /** Blur kernel radius in standard deviations (4, SciPy's default). */
  blurTruncate: number;
  /**
   * Reference mean and standard deviation of the deviation score; when
   * given, the deviation map is computed too.
   */
  deviation?: DeviationReference;
}

/** Maps and scores of one image. */
export interface AnomalyMaps {
  /** Textual map on the patch grid, (gridHeight, gridWidth). */
  textual: Float32Array;
  /** Visual-memory map on the patch grid, (gridHeight, gridWidth). */
  visual: Float32Array;
  /** Fused map on the patch grid, (gridHeight, gridWidth). */
  fused: Float32Array;
  /** Fused map upsampled and blurred, (outputSize, outputSize): the pixel scores. */
  final: Float32Array;
  /** Deviation map on the patch grid, present when options.deviation is set. */
  deviation?: Float32Array;
  /** Global textual score of the image, in (0, 1). */
  globalScore: number;
  /** Image anomaly score. */
  imageScore: number;
}

/**
 * Runs the whole inference map pipeline for one image.
 *
 * The steps are the textual map, the visual map, harmonic fusion on the
 * grid, bilinear upsampling to the output size and a Gaussian blur. The
 * image score combines the global score with the peak of the upsampled,
 * unblurred visual map.
 *
 * @param input - encoder outputs, anchors and memory
 * @param options - output size and blur
 * @returns every map and score of the image
 */
export function computeAnomalyMaps(
  input: AnomalyMapInput,
  options: AnomalyMapOptions,
): AnomalyMaps {
  const { gridHeight, gridWidth, embedDim, logitScale } = input;
  const patches = gridHeight * gridWidth;
  const size = options.outputSize;

  const textual = textualMap(
    input.patchFeatures,
    patches,
    embedDim,
    input.normalAnchor,
    input.abnormalAnchor,
    logitScale,
  );
  const visual = visualMemoryMap(input.patchTaps, patches, input.memory);
  const fused = fuseMaps(textual, visual);

  const fusedUp = bilinearResize(fused, gridHeight, gridWidth, size, size);
  const final = gaussianBlur(fusedUp, size, size, {
    sigma: options.blurSigma,
    truncate: options.blurTruncate,
  });

  const visualUp = bilinearResize(visual, gridHeight, gridWidth, size, size);
  const scoreAnchors = input.imageAnchors ?? input;
  const globalScore = globalTextualScore(
    input.globalEmbedding,
    scoreAnchors.normalAnchor,
    scoreAnchors.abnormalAnchor,
    logitScale,
  );

  const maps: AnomalyMaps = {
    textual,
    visual,
    fused,
    final,
    globalScore,
    imageScore: imageScore(globalScore, visualUp),
  };
  if (options.deviation) {
    maps.deviation = deviationMap(
      input.patchFeatures,
      patches,
      embedDim,
      input.abnormalAnchor,
      options.deviation.mu,
      options.deviation.sigma,
    );
  }
  return maps;
}
