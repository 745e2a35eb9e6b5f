import type { ImageRecord } from "@devprompt/datasets";
import { PixelMetricAccumulator } from "@devprompt/metrics";
import type { TextAnchors } from "@devprompt/prompt-learner";
import type { Logger } from "../log/logger";
import { createProgress } from "../log/progress";
import { bilinearResize } from "../maps/bilinear-resize";
import { defaultMapSettings } from "../maps/map-defaults";
import { gaussianBlur } from "../maps/gaussian-blur";
import { fuseMaps } from "../maps/harmonic-fusion";
import { textualMap } from "../maps/textual-map";
import type { VisualMemory } from "../maps/visual-memory";
import { visualMemoryMap } from "../maps/visual-memory-map";
import { encodeRecords, imageSlice } from "./image-features";
import type { OpenModel } from "./model";

/** Images encoded per ONNX Runtime call while caching the test set. */
const CACHE_BATCH = 8;

/** Cached inputs of one test image. */
interface CachedImage {
  patchFeatures: Float32Array;
  visual: Float32Array;
  mask: Uint8Array | null;
}

/**
 * Scores a context by its pixel AUROC on the test set, for the
 * `--select-epoch test-pixel-auroc` option that reproduces PromptAD's
 * reference code. That code evaluates on the test set after every epoch
 * and keeps the best epoch, so it looks at test labels during training.
 *
 * The image encoder is frozen, so the test features and the visual maps
 * are computed once; each call only recomputes the textual and fused maps.
 */
export class TestSetSelector {
  private constructor(
    private readonly images: CachedImage[],
    private readonly grid: number,
    private readonly embedDim: number,
    private readonly outputSize: number,
    private readonly blurSigma: number,
  ) {}

  /**
   * Encodes the test images and computes their visual maps.
   *
   * @param model - open model
   * @param records - test images of the class
   * @param memory - visual memory of the shots
   * @param options - output size, blur, quirks and logger
   * @returns the selector
   */
  static async create(
    model: OpenModel,
    records: readonly ImageRecord[],
    memory: VisualMemory,
    options: {
      outputSize: number;
      blurSigma: number;
      referenceQuirks: boolean;
      log: Logger;
    },
  ): Promise<TestSetSelector> {
    const images: CachedImage[] = [];
    let grid = 0;
    let embedDim = 0;
    const progress = createProgress("encode test set", records.length);
    for (let start = 0; start < records.length; start += CACHE_BATCH) {
      const { samples, features } = await encodeRecords(
        model,
        records.slice(start, start + CACHE_BATCH),
        {
          maskSize: options.outputSize,
          referenceQuirks: options.referenceQuirks,
          onImage: () => progress.tick(),
        },
      );
      const [, patches, dim] = features.vvPatchTokens.shape;
      grid = Math.round(Math.sqrt(patches));
      embedDim = dim;
      samples.forEach((sample, i) => {
        if (!sample.maskValid) {
          options.log.warnOnce(
            "selection-no-mask",
            `anomalous test image ${sample.record.relativePath} has no mask, so epoch selection leaves it out`,
          );
          return;
        }
        const taps = features.taps.map((tap) =>
          imageSlice(tap.data, i, patches * tap.shape[2]).slice(),
        );
        images.push({
          patchFeatures: imageSlice(
            features.vvPatchTokens.data,
            i,
            patches * dim,
          ).slice(),
          visual: visualMemoryMap(taps, patches, memory),
          mask: sample.record.label === 1 ? sample.mask : null,
        });
      });
    }
    progress.done();
    return new TestSetSelector(
      images,
      grid,
      embedDim,
      options.outputSize,
      options.blurSigma,
    );
  }

  /**
   * Computes the pixel AUROC of the fused, upsampled and blurred maps for
   * a pair of anchors.
   *
   * @param anchors - text anchors of the context to score
   * @param logitScale - CLIP `logit_scale` as stored
   * @returns pixel AUROC as a fraction, NaN when undefined
   */
  pixelAuroc(anchors: TextAnchors, logitScale: number): number {
    const size = this.outputSize;
    const pixels = new PixelMetricAccumulator();
    for (const image of this.images) {
      const textual = textualMap(
        image.patchFeatures,
        this.grid * this.grid,
        this.embedDim,
        anchors.normalAnchor,
        anchors.abnormalAnchor,
        logitScale,
      );
      const fused = fuseMaps(textual, image.visual);
      const upsampled = bilinearResize(fused, this.grid, this.grid, size, size);
      const final = gaussianBlur(upsampled, size, size, {
        sigma: this.blurSigma,
        truncate: defaultMapSettings().blurTruncate,
      });
      pixels.add(
        { data: final, height: size, width: size },
        image.mask === null
          ? null
          : { data: image.mask, height: size, width: size },
      );
    }
    return pixels.auroc().value;
  }
}
