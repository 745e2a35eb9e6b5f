import {
  getArchitecture,
  getPreprocess,
} from "../../src/architecture/registry";
import {
  parseOpenClipConfig,
  toOpenClipConfig,
} from "../../src/checkpoint/open-clip-config";

const LABEL = "models/x/open_clip_config.json";

describe("parseOpenClipConfig", () => {
  test("fills open_clip defaults for a ViT-B-16-plus-240 config", () => {
    // The shape of open_clip's ViT-B-16-plus-240.json: text_cfg without
    // context_length and vocab_size, vision_cfg without head_width.
    const json = {
      model_cfg: {
        embed_dim: 640,
        vision_cfg: { image_size: 240, layers: 12, width: 896, patch_size: 16 },
        text_cfg: { width: 640, heads: 10, layers: 12 },
      },
      preprocess_cfg: {
        mean: [0.48145466, 0.4578275, 0.40821073],
        std: [0.26862954, 0.26130258, 0.27577711],
      },
    };
    const { architecture, preprocess } = parseOpenClipConfig(
      json,
      "ViT-B-16-plus-240",
      LABEL,
    );
    expect(architecture).toEqual(getArchitecture("ViT-B-16-plus-240"));
    expect(preprocess).toEqual(getPreprocess("ViT-B-16-plus-240"));
  });

  test("reads quick_gelu, square pairs and resize mode", () => {
    const json = {
      model_cfg: {
        embed_dim: 768,
        quick_gelu: true,
        vision_cfg: {
          image_size: [336, 336],
          layers: 24,
          width: 1024,
          patch_size: 14,
        },
        text_cfg: { width: 768, heads: 12, layers: 12 },
      },
      preprocess_cfg: {
        resize_mode: "squash",
        interpolation: "bilinear",
        size: [336, 336],
      },
    };
    const { architecture, preprocess } = parseOpenClipConfig(
      json,
      "ViT-L-14-336-quickgelu",
      LABEL,
    );
    expect(architecture).toEqual(getArchitecture("ViT-L-14-336-quickgelu"));
    expect(preprocess.resizeMode).toBe("squash");
    expect(preprocess.interpolation).toBe("bilinear");
    expect(preprocess.size).toBe(336);
  });

  test("round trips through toOpenClipConfig", () => {
    const arch = getArchitecture("test-tiny");
    const preprocess = getPreprocess("test-tiny");
    const json = JSON.parse(JSON.stringify(toOpenClipConfig(arch, preprocess)));
    expect(parseOpenClipConfig(json, "test-tiny", LABEL)).toEqual({
      architecture: arch,
      preprocess,
    });
  });

  test("rejects a ResNet tower", () => {
    const json = {
      model_cfg: {
        embed_dim: 1024,
        vision_cfg: { layers: [3, 4, 6, 3], width: 64 },
        text_cfg: {},
      },
    };
    expect(() => parseOpenClipConfig(json, "RN50", LABEL)).toThrow(
      /only ViT towers are supported/,
    );
  });

  test("rejects a non-square input", () => {
    const json = {
      model_cfg: {
        embed_dim: 512,
        vision_cfg: { image_size: [224, 448] },
        text_cfg: {},
      },
    };
    expect(() => parseOpenClipConfig(json, "wide", LABEL)).toThrow(
      /image_size \[224,448\] is not square/,
    );
  });

  test("rejects every unsupported option at once", () => {
    const json = {
      model_cfg: {
        embed_dim: 512,
        vision_cfg: {
          timm_model_name: "vit_base_patch16_224",
          pool_type: "avg",
        },
        text_cfg: { hf_model_name: "roberta-base", no_causal_mask: true },
      },
    };
    const message = (() => {
      try {
        parseOpenClipConfig(json, "odd", LABEL);
      } catch (error) {
        return (error as Error).message;
      }
      return "";
    })();
    expect(message).toContain(LABEL);
    expect(message).toContain("vision_cfg.timm_model_name");
    expect(message).toContain('vision_cfg.pool_type is "avg"');
    expect(message).toContain("text_cfg.hf_model_name");
    expect(message).toContain("text_cfg.no_causal_mask is true");
  });

  test("rejects a config without model_cfg", () => {
    expect(() => parseOpenClipConfig({ embed_dim: 512 }, "x", LABEL)).toThrow(
      `invalid OpenCLIP config ${LABEL}: expected an object with a model_cfg object`,
    );
  });

  test("rejects heads that do not divide the width", () => {
    const json = {
      model_cfg: {
        embed_dim: 512,
        vision_cfg: { width: 100, head_width: 64 },
        text_cfg: {},
      },
    };
    expect(() => parseOpenClipConfig(json, "x", LABEL)).toThrow(
      /vision\.heads must be a positive integer, got 1\.5625/,
    );
  });

  test("rejects an invalid preprocessing record", () => {
    const json = {
      model_cfg: { embed_dim: 512, vision_cfg: {}, text_cfg: {} },
      preprocess_cfg: { interpolation: "lanczos" },
    };
    expect(() => parseOpenClipConfig(json, "x", LABEL)).toThrow(
      /interpolation must be bicubic, bilinear or nearest, got lanczos/,
    );
  });
});
