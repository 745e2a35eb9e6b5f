import {
  findRegisteredArchitectureName,
  getArchitecture,
  getPreprocess,
  listArchitectures,
  registerArchitecture,
} from "../../src/architecture/registry";
import type { ClipArchitecture } from "../../src/architecture/types";

describe("architecture registry", () => {
  test("lists the built-in architectures", () => {
    const names = listArchitectures();
    for (const name of [
      "ViT-B-16-plus-240",
      "ViT-B-16",
      "ViT-B-16-quickgelu",
      "ViT-B-32",
      "ViT-L-14",
      "ViT-L-14-336",
      "ViT-L-14-336-quickgelu",
      "test-tiny",
    ]) {
      expect(names).toContain(name);
    }
  });

  test("ViT-B-16-plus-240 matches the open_clip config", () => {
    const arch = getArchitecture("ViT-B-16-plus-240");
    expect(arch.embedDim).toBe(640);
    expect(arch.activation).toBe("gelu");
    expect(arch.vision).toEqual({
      imageSize: 240,
      patchSize: 16,
      width: 896,
      layers: 12,
      heads: 14,
      mlpRatio: 4,
    });
    expect(arch.text).toEqual({
      contextLength: 77,
      vocabSize: 49408,
      width: 640,
      heads: 10,
      layers: 12,
      mlpRatio: 4,
    });
  });

  test.each([
    ["ViT-B-16", "gelu", 224, 16, 768, 12, 512, 512, 8],
    ["ViT-B-16-quickgelu", "quick_gelu", 224, 16, 768, 12, 512, 512, 8],
    ["ViT-B-32", "gelu", 224, 32, 768, 12, 512, 512, 8],
    ["ViT-L-14", "gelu", 224, 14, 1024, 24, 768, 768, 12],
    ["ViT-L-14-336", "gelu", 336, 14, 1024, 24, 768, 768, 12],
    ["ViT-L-14-336-quickgelu", "quick_gelu", 336, 14, 1024, 24, 768, 768, 12],
  ])(
    "%s has the open_clip numbers",
    (name, activation, size, patch, width, layers, embed, textWidth, heads) => {
      const arch = getArchitecture(name);
      expect(arch.activation).toBe(activation);
      expect(arch.vision.imageSize).toBe(size);
      expect(arch.vision.patchSize).toBe(patch);
      expect(arch.vision.width).toBe(width);
      expect(arch.vision.layers).toBe(layers);
      expect(arch.vision.heads).toBe(width / 64);
      expect(arch.embedDim).toBe(embed);
      expect(arch.text.width).toBe(textWidth);
      expect(arch.text.heads).toBe(heads);
      expect(arch.text.layers).toBe(12);
    },
  );

  test("test-tiny is small with 12 vision blocks", () => {
    const arch = getArchitecture("test-tiny");
    expect(arch.vision.layers).toBe(12);
    expect(arch.vision.imageSize / arch.vision.patchSize).toBe(4);
    expect(arch.text.vocabSize).toBe(49408);
    expect(arch.text.contextLength).toBe(77);
  });

  test("returned architectures are independent copies", () => {
    const first = getArchitecture("ViT-B-16-plus-240");
    first.vision.width = 1;
    first.text.layers = 1;
    first.name = "changed";
    const second = getArchitecture("ViT-B-16-plus-240");
    expect(second.vision.width).toBe(896);
    expect(second.text.layers).toBe(12);
    expect(second.name).toBe("ViT-B-16-plus-240");
  });

  test("returned preprocessing records are independent copies", () => {
    const first = getPreprocess("ViT-B-16-plus-240");
    first.mean[0] = 0;
    first.size = 1;
    const second = getPreprocess("ViT-B-16-plus-240");
    expect(second.mean[0]).toBe(0.48145466);
    expect(second.size).toBe(240);
  });

  test("preprocessing record of ViT-L-14-336", () => {
    expect(getPreprocess("ViT-L-14-336")).toEqual({
      size: 336,
      mean: [0.48145466, 0.4578275, 0.40821073],
      std: [0.26862954, 0.26130258, 0.27577711],
      interpolation: "bicubic",
      resizeMode: "shortest",
    });
  });

  test("unknown name lists the registered ones", () => {
    expect(() => getArchitecture("ViT-Z-99")).toThrow(
      /unknown CLIP architecture 'ViT-Z-99'.*ViT-B-16-plus-240/,
    );
  });

  test("register stores a copy", () => {
    const arch: ClipArchitecture = {
      ...getArchitecture("test-tiny"),
      name: "registry-spec-copy",
    };
    registerArchitecture(arch);
    arch.vision.width = 4;
    expect(getArchitecture("registry-spec-copy").vision.width).toBe(32);
  });

  test("register rejects a taken name unless replace is set", () => {
    const arch = { ...getArchitecture("test-tiny"), name: "registry-spec-dup" };
    registerArchitecture(arch);
    expect(() => registerArchitecture(arch)).toThrow(/already registered/);
    const wider = structuredClone(arch);
    wider.embedDim = 48;
    registerArchitecture(wider, { replace: true });
    expect(getArchitecture("registry-spec-dup").embedDim).toBe(48);
  });

  test("register keeps a custom preprocessing record", () => {
    const arch = { ...getArchitecture("test-tiny"), name: "registry-spec-pre" };
    registerArchitecture(arch, {
      preprocess: {
        size: 32,
        mean: [0.5, 0.5, 0.5],
        std: [0.5, 0.5, 0.5],
        interpolation: "bilinear",
        resizeMode: "squash",
      },
    });
    expect(getPreprocess("registry-spec-pre").resizeMode).toBe("squash");
    expect(getPreprocess("registry-spec-pre").interpolation).toBe("bilinear");
  });

  test("register rejects an invalid architecture with every problem", () => {
    const arch = getArchitecture("test-tiny");
    arch.name = "registry-spec-bad";
    arch.vision.heads = 3;
    arch.text.layers = 0;
    let message = "";
    try {
      registerArchitecture(arch);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /vision\.width 32 must be divisible by vision\.heads 3/,
    );
    expect(message).toMatch(/text\.layers must be a positive integer, got 0/);
    expect(listArchitectures()).not.toContain("registry-spec-bad");
  });

  test("register rejects an image size that is not a patch multiple", () => {
    const arch = getArchitecture("test-tiny");
    arch.name = "registry-spec-grid";
    arch.vision.imageSize = 30;
    expect(() => registerArchitecture(arch)).toThrow(
      /vision\.imageSize 30 must be a multiple of vision\.patchSize 8/,
    );
  });

  test("register rejects an invalid preprocessing record", () => {
    const arch = { ...getArchitecture("test-tiny"), name: "registry-spec-std" };
    expect(() =>
      registerArchitecture(arch, {
        preprocess: {
          size: 32,
          mean: [0.5, 0.5, 0.5],
          std: [0.5, 0, 0.5],
          interpolation: "bicubic",
          resizeMode: "shortest",
        },
      }),
    ).toThrow(/std must be three positive numbers/);
  });
});

describe("findRegisteredArchitectureName", () => {
  test("matches by numbers, not by name", () => {
    const arch = getArchitecture("ViT-L-14-336");
    arch.name = "anything";
    expect(findRegisteredArchitectureName(arch)).toBe("ViT-L-14-336");
  });

  test("tells GELU and QuickGELU apart", () => {
    const arch = getArchitecture("ViT-B-16");
    arch.activation = "quick_gelu";
    expect(findRegisteredArchitectureName(arch)).toBe("ViT-B-16-quickgelu");
  });

  test("returns undefined for an unknown shape", () => {
    const arch = getArchitecture("test-tiny");
    arch.text.layers = 5;
    expect(findRegisteredArchitectureName(arch)).toBeUndefined();
  });
});
