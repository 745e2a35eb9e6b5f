import * as ort from "onnxruntime-node";
import { onnx } from "onnx-proto";

import {
  GraphBuilder,
  attr,
  createOnnxSession,
  littleEndianBytes,
} from "../../src/onnx";
import { expectAllClose } from "./tolerance";

type Feeds = Record<string, { data: Float32Array; dims: number[] }>;

async function runModel(
  graph: GraphBuilder,
  feeds: Feeds,
): Promise<Record<string, ort.Tensor>> {
  const { session } = await createOnnxSession(graph.toBytes());
  const tensors: Record<string, ort.Tensor> = {};
  for (const [name, { data, dims }] of Object.entries(feeds)) {
    tensors[name] = new ort.Tensor("float32", data, dims);
  }
  const result = await session.run(tensors);
  await session.release();
  return result as Record<string, ort.Tensor>;
}

/** Builds a graph y = op(x) for a unary helper and returns y for the given x. */
async function runUnary(
  build: (g: GraphBuilder, x: string) => string,
  data: number[],
  dims: number[],
): Promise<ort.Tensor> {
  const g = new GraphBuilder();
  const x = g.addInput("x", "float32", dims);
  g.addOutput(g.identity(build(g, x), "y"), "float32");
  const result = await runModel(g, {
    x: { data: Float32Array.from(data), dims },
  });
  return result.y;
}

describe("GraphBuilder", () => {
  it("computes an affine map by hand", async () => {
    const g = new GraphBuilder({ name: "affine" });
    const x = g.addInput("x", "float32", ["batch", 2]);
    const w = g.addInitializer(
      "w",
      "float32",
      Float32Array.from([1, 2, 3, 4, 5, 6]),
      [2, 3],
    );
    const b = g.addInitializer(
      "b",
      "float32",
      Float32Array.from([0.5, -1, 2]),
      [3],
    );
    g.addOutput(g.identity(g.add(g.matMul(x, w), b), "y"), "float32", [
      "batch",
      3,
    ]);

    const { y } = await runModel(g, {
      x: { data: Float32Array.from([1, 1, 2, -1]), dims: [2, 2] },
    });

    // [1, 1] · w = [5, 7, 9]; [2, -1] · w = [-2, -1, 0]; plus b.
    expect(y.dims).toEqual([2, 3]);
    expectAllClose(y.data as Float32Array, [5.5, 6, 11, -1.5, -2, 2], 1e-6);
  });

  it("computes Gemm with transB, alpha and beta", async () => {
    const g = new GraphBuilder();
    const a = g.addInput("a", "float32", [1, 2]);
    const b = g.addInitializer(
      "b",
      "float32",
      Float32Array.from([1, 0, 0, 1, 1, 1]),
      [3, 2],
    );
    const c = g.float32([1, 1, 1]);
    g.addOutput(
      g.identity(g.gemm(a, b, c, { transB: true, alpha: 2, beta: 3 }), "y"),
      "float32",
      [1, 3],
    );

    const { y } = await runModel(g, {
      a: { data: Float32Array.from([2, 5]), dims: [1, 2] },
    });

    // 2 · [2, 5] · bᵀ = 2 · [2, 5, 7]; + 3.
    expectAllClose(y.data as Float32Array, [7, 13, 17], 1e-6);
  });

  it("computes exact GELU", async () => {
    const y = await runUnary((g, x) => g.gelu(x), [0, 1, -1, 2], [4]);

    // 0.5 x (1 + erf(x / √2)) with erf(1/√2) = 0.682689492, erf(√2) = 0.954499736.
    expectAllClose(
      y.data as Float32Array,
      [0, 0.841344746, -0.158655254, 1.954499736],
      1e-6,
    );
  });

  it("computes QuickGELU", async () => {
    const y = await runUnary((g, x) => g.quickGelu(x), [0, 1, -2], [3]);

    const expected = [
      0,
      1 / (1 + Math.exp(-1.702)),
      -2 / (1 + Math.exp(3.404)),
    ];
    expectAllClose(y.data as Float32Array, expected, 1e-6);
  });

  it("computes LayerNormalization", async () => {
    const g = new GraphBuilder();
    const x = g.addInput("x", "float32", [1, 3]);
    const scale = g.float32([1, 2, 1]);
    const bias = g.float32([0, 0, 10]);
    g.addOutput(
      g.identity(g.layerNorm(x, scale, bias, 0), "y"),
      "float32",
      [1, 3],
    );

    const { y } = await runModel(g, {
      x: { data: Float32Array.from([1, 2, 3]), dims: [1, 3] },
    });

    // Mean 2, variance 2/3, so the normalised row is [-√1.5, 0, √1.5].
    const r = Math.sqrt(1.5);
    expectAllClose(y.data as Float32Array, [-r, 0, r + 10], 1e-6);
  });

  it("computes Softmax along the last axis", async () => {
    const y = await runUnary(
      (g, x) => g.softmax(x),
      [0, Math.log(2), 5, 5],
      [2, 2],
    );

    expectAllClose(y.data as Float32Array, [1 / 3, 2 / 3, 0.5, 0.5], 1e-6);
  });

  it("transposes and reshapes", async () => {
    const y = await runUnary(
      (g, x) => g.reshape(g.transpose(x, [1, 0]), [0, -1]),
      [1, 2, 3, 4, 5, 6],
      [2, 3],
    );

    expect(y.dims).toEqual([3, 2]);
    expect(Array.from(y.data as Float32Array)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it("gathers a row with a scalar index", async () => {
    const y = await runUnary(
      (g, x) => g.gather(x, 1, 0),
      [1, 2, 3, 4, 5, 6],
      [3, 2],
    );

    expect(y.dims).toEqual([2]);
    expect(Array.from(y.data as Float32Array)).toEqual([3, 4]);
  });

  it("slices and concatenates", async () => {
    const y = await runUnary(
      (g, x) =>
        g.concat([g.slice(x, [1], [3], [1]), g.slice(x, [0], [1], [1])], 1),
      [1, 2, 3, 4, 5, 6],
      [2, 3],
    );

    expect(y.dims).toEqual([2, 3]);
    expect(Array.from(y.data as Float32Array)).toEqual([2, 3, 1, 5, 6, 4]);
  });

  it("expands to a shape computed in the graph", async () => {
    const y = await runUnary(
      (g, x) => {
        const rows = g.slice(g.shape(x), [0], [1], [0]);
        const target = g.concat([rows, g.int64([2])], 0);
        return g.expand(g.float32([7, 8], [1, 2]), target);
      },
      [0, 0, 0],
      [3],
    );

    expect(y.dims).toEqual([3, 2]);
    expect(Array.from(y.data as Float32Array)).toEqual([7, 8, 7, 8, 7, 8]);
  });

  it("squeezes, unsqueezes and sums", async () => {
    const y = await runUnary(
      (g, x) => g.squeeze(g.reduceSum(g.unsqueeze(x, [0]), [2], true), [0, 2]),
      [1, 2, 3, 4, 5, 6],
      [2, 3],
    );

    expect(y.dims).toEqual([2]);
    expect(Array.from(y.data as Float32Array)).toEqual([6, 15]);
  });

  it("L2-normalises rows and keeps zero rows", async () => {
    const y = await runUnary((g, x) => g.l2Normalize(x), [3, 4, 0, 0], [2, 2]);

    expectAllClose(y.data as Float32Array, [0.6, 0.8, 0, 0], 1e-7);
  });

  it("runs a strided Conv as patch embedding", async () => {
    const g = new GraphBuilder();
    const x = g.addInput("x", "float32", [1, 1, 2, 4]);
    const w = g.addInitializer(
      "w",
      "float32",
      Float32Array.from([1, 10, 100, 1000]),
      [1, 1, 2, 2],
    );
    g.addOutput(
      g.identity(g.conv(x, w, { strides: [2, 2] }), "y"),
      "float32",
      [1, 1, 1, 2],
    );

    const { y } = await runModel(g, {
      x: {
        data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
        dims: [1, 1, 2, 4],
      },
    });

    // Patch [[1, 2], [5, 6]] → 1 + 20 + 500 + 6000; patch [[3, 4], [7, 8]] → 3 + 40 + 700 + 8000.
    expect(Array.from(y.data as Float32Array)).toEqual([6521, 8743]);
  });

  it("generates unique names", () => {
    const g = new GraphBuilder();

    expect(g.uniqueName("a")).toBe("a");
    expect(g.uniqueName("a")).toBe("a_1");
    expect(g.uniqueName("a")).toBe("a_2");
  });

  it("rejects a name used twice", () => {
    const g = new GraphBuilder();
    g.addInput("x", "float32", [1]);

    expect(() =>
      g.addInitializer("x", "float32", new Float32Array(1), [1]),
    ).toThrow(/name x is already used/);
  });

  it("rejects data that does not fit the shape", () => {
    const g = new GraphBuilder();

    expect(() =>
      g.addInitializer("w", "float32", new Float32Array(5), [2, 3]),
    ).toThrow("tensor w: shape [2, 3] needs 6 values, got 5");
  });

  it("shares equal constants", () => {
    const g = new GraphBuilder();

    expect(g.int64([0, -1])).toBe(g.int64([0, -1]));
    expect(g.int64([0, -1])).not.toBe(g.int64([0, 1]));
    expect(g.float32(1)).not.toBe(g.float32([1]));
  });

  it("rejects an output no node produces", () => {
    const g = new GraphBuilder();

    expect(() => g.addOutput("y", "float32", [1])).toThrow(/not produced/);
  });

  it("rejects building without outputs", () => {
    const g = new GraphBuilder();
    g.addInput("x", "float32", [1]);

    expect(() => g.build()).toThrow(/no output/);
  });

  it("rejects an opset older than 17", () => {
    expect(() => new GraphBuilder({ opset: 13 })).toThrow(
      /opset 13 is not supported/,
    );
  });

  it("rejects a fractional INT attribute", () => {
    expect(() => attr.int(1.5)).toThrow(/needs an integer, got 1.5/);
    expect(() => attr.ints([1, 0.5])).toThrow(/needs integers, got 0.5/);
  });

  it("serialises symbolic dims, opset and metadata", () => {
    const g = new GraphBuilder({ name: "meta", metadata: { key: "value" } });
    const x = g.addInput("x", "float32", ["batch", 4]);
    g.addOutput(g.identity(x, "y"), "float32", ["batch", 4]);

    const model = onnx.ModelProto.decode(g.toBytes());

    const dims = model.graph?.input?.[0].type?.tensorType?.shape?.dim ?? [];
    expect(Number(model.opsetImport[0].version)).toBe(17);
    expect(dims[0].dimParam).toBe("batch");
    expect(Number(dims[1].dimValue)).toBe(4);
    expect(model.metadataProps[0]).toMatchObject({
      key: "key",
      value: "value",
    });
  });

  it("stores raw data little-endian", () => {
    const bytes = littleEndianBytes(Float32Array.from([1]));

    // 1.0f is 0x3f800000, so its little-endian bytes are 00 00 80 3f.
    expect(Array.from(bytes)).toEqual([0, 0, 0x80, 0x3f]);
  });

  it("adds a node with an attribute by op name", async () => {
    const g = new GraphBuilder();
    const x = g.addInput("x", "float32", [2]);
    const [y] = g.node("LeakyRelu", [x], {
      attributes: { alpha: attr.float(0.25) },
      outputNames: ["y"],
    });
    g.addOutput(y, "float32", [2]);

    const result = await runModel(g, {
      x: { data: Float32Array.from([-4, 3]), dims: [2] },
    });

    expect(Array.from(result.y.data as Float32Array)).toEqual([-1, 3]);
  });
});
