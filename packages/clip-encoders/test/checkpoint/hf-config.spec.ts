import {
  getArchitecture,
  getPreprocess,
} from "../../src/architecture/registry";
import {
  expectedHfWeightShapes,
  parseHfClipConfig,
  toHfClipConfig,
  toHfPreprocessorConfig,
} from "../../src/checkpoint/hf-layout";
import { expectedWeightShapes } from "../../src/architecture/weight-shapes";

const LABEL = "models/hf/config.json";

describe("parseHfClipConfig", () => {
  test("reads an openai/clip-vit-large-patch14-336 style config", () => {
    const json = {
      model_type: "clip",
      projection_dim: 768,
      text_config: {
        hidden_size: 768,
        intermediate_size: 3072,
        num_attention_heads: 12,
        projection_dim: 768,
      },
      vision_config: {
        hidden_size: 1024,
        intermediate_size: 4096,
        num_attention_heads: 16,
        num_hidden_layers: 24,
        image_size: 336,
        patch_size: 14,
        projection_dim: 768,
      },
    };
    const { architecture } = parseHfClipConfig(json, undefined, "x", LABEL);
    expect(architecture).toEqual({
      ...getArchitecture("ViT-L-14-336-quickgelu"),
      name: "x",
    });
  });

  test("round trips through toHfClipConfig", () => {
    const arch = getArchitecture("ViT-B-16-plus-240");
    const preprocess = getPreprocess("ViT-B-16-plus-240");
    const parsed = parseHfClipConfig(
      JSON.parse(JSON.stringify(toHfClipConfig(arch))),
      JSON.parse(JSON.stringify(toHfPreprocessorConfig(preprocess))),
      arch.name,
      LABEL,
    );
    expect(parsed).toEqual({ architecture: arch, preprocess });
  });

  test("reads squash resizing and bilinear resampling", () => {
    const { preprocess } = parseHfClipConfig(
      {},
      {
        size: { height: 240, width: 240 },
        crop_size: { height: 240, width: 240 },
        resample: 2,
        image_mean: [0.5, 0.5, 0.5],
        image_std: [0.25, 0.25, 0.25],
      },
      "x",
      LABEL,
    );
    expect(preprocess).toEqual({
      size: 240,
      mean: [0.5, 0.5, 0.5],
      std: [0.25, 0.25, 0.25],
      interpolation: "bilinear",
      resizeMode: "squash",
    });
  });

  test("rejects an unknown resample code", () => {
    expect(() => parseHfClipConfig({}, { resample: 1 }, "x", LABEL)).toThrow(
      /resample 1; expected 0 \(nearest\), 2 \(bilinear\) or 3 \(bicubic\)/,
    );
  });

  test("rejects another model type and epsilon", () => {
    const json = {
      model_type: "siglip",
      text_config: { layer_norm_eps: 1e-6 },
    };
    expect(() => parseHfClipConfig(json, undefined, "x", LABEL)).toThrow(
      /model_type is "siglip".*text_config\.layer_norm_eps is 0\.000001/,
    );
  });

  test("rejects an MLP width that is not a multiple", () => {
    const json = { vision_config: { intermediate_size: 1000 } };
    expect(() => parseHfClipConfig(json, undefined, "x", LABEL)).toThrow(
      /vision\.mlpRatio must be a positive integer/,
    );
  });
});

describe("expectedHfWeightShapes", () => {
  test("has one more tensor per block than OpenCLIP", () => {
    // q, k, v weights and biases (6) replace in_proj weight and bias (2).
    const arch = getArchitecture("test-tiny");
    const blocks = arch.vision.layers + arch.text.layers;
    expect(expectedHfWeightShapes(arch).size).toBe(
      expectedWeightShapes(arch).size + 4 * blocks,
    );
  });

  test("projection matrices are transposed", () => {
    const shapes = expectedHfWeightShapes(getArchitecture("ViT-B-16-plus-240"));
    expect(shapes.get("visual_projection.weight")).toEqual([640, 896]);
    expect(shapes.get("text_projection.weight")).toEqual([640, 640]);
    expect(
      shapes.get("vision_model.encoder.layers.11.self_attn.v_proj.weight"),
    ).toEqual([896, 896]);
    expect(shapes.get("text_model.encoder.layers.0.mlp.fc1.weight")).toEqual([
      2560, 640,
    ]);
  });
});
