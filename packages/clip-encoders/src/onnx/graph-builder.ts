import { onnx } from "onnx-proto";

import { AttributeValue, attr, makeAttributeProto } from "./attributes";
import {
  ElementArray,
  ElementType,
  makeTensorProto,
  onnxDataType,
} from "./tensor-proto";

/** A tensor dimension: a fixed size, or a symbolic name such as `batch`. */
export type Dim = number | string;

/**
 * ONNX opset the builder targets by default. Opset 17 is the first with
 * `LayerNormalization`; this package's tests run it with onnxruntime-node 1.31 on the CPU.
 */
export const DEFAULT_OPSET = 17;

/**
 * IR version written into every model: IR 8 is the version that goes with
 * opset 17 (ONNX 1.12) and the newest one the `onnx-proto` 8 schema defines.
 */
export const IR_VERSION = 8;

/** Options of {@link GraphBuilder}. */
export interface GraphBuilderOptions {
  /** Graph name stored in the model. */
  name?: string;
  /** Default-domain opset version, {@link DEFAULT_OPSET} when omitted. */
  opset?: number;
  /** Free text stored as the model's `doc_string`. */
  docString?: string;
  /** Key-value pairs stored as the model's `metadata_props`. */
  metadata?: Record<string, string>;
}

/** Options of {@link GraphBuilder.node}. */
export interface NodeOptions {
  /** Number of outputs when names are generated (default 1). */
  outputCount?: number;
  /** Explicit output names; they must not be in use yet. */
  outputNames?: readonly string[];
  /** Attributes by name. */
  attributes?: Record<string, AttributeValue>;
  /** Node name; a unique one is generated from the op type when omitted. */
  name?: string;
}

/**
 * Small typed builder of ONNX models. Every method that adds a node returns
 * the name(s) of its output value(s), so graphs are written as plain
 * expressions over value names. Names are unique: generated ones come from
 * {@link GraphBuilder.uniqueName}, and an explicit name that is already in
 * use raises an error.
 *
 * @example
 * ```ts
 * const g = new GraphBuilder({ name: 'affine' });
 * const x = g.addInput('x', 'float32', ['batch', 3]);
 * const w = g.addInitializer('w', 'float32', new Float32Array(6), [3, 2]);
 * g.addOutput(g.identity(g.matMul(x, w), 'y'), 'float32', ['batch', 2]);
 * const bytes = g.toBytes(); // serialised ModelProto
 * ```
 */
export class GraphBuilder {
  /** Default-domain opset version of the model. */
  readonly opset: number;

  private readonly options: GraphBuilderOptions;
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly usedNames = new Set<string>();
  private readonly prefixCounters = new Map<string, number>();
  private readonly constantCache = new Map<string, string>();

  /**
   * Starts an empty graph.
   *
   * @param options - graph name, opset and model metadata
   */
  constructor(options: GraphBuilderOptions = {}) {
    this.options = { ...options };
    this.opset = options.opset ?? DEFAULT_OPSET;
    if (!Number.isInteger(this.opset) || this.opset < DEFAULT_OPSET) {
      throw new Error(
        `opset ${options.opset} is not supported; use ${DEFAULT_OPSET} or newer, because LayerNormalization first appears in opset 17`,
      );
    }
  }

  /**
   * Returns a value or node name that is not in use yet, of the form
   * `prefix` or `prefix_N`, and reserves it.
   *
   * @param prefix - readable stem, for example `block3/attn`
   * @returns the reserved name
   */
  uniqueName(prefix: string): string {
    let counter = this.prefixCounters.get(prefix) ?? 0;
    let name = counter === 0 ? prefix : `${prefix}_${counter}`;
    while (this.usedNames.has(name)) {
      counter += 1;
      name = `${prefix}_${counter}`;
    }
    this.prefixCounters.set(prefix, counter + 1);
    this.usedNames.add(name);
    return name;
  }

  /**
   * Adds a constant tensor (initializer) stored as little-endian `raw_data`.
   *
   * @param name - value name; it must not be in use yet
   * @param type - element type
   * @param data - row-major values; the array is referenced, not copied, until {@link GraphBuilder.build}
   * @param dims - shape; `[]` for a scalar
   * @returns `name`
   */
  addInitializer<T extends ElementType>(
    name: string,
    type: T,
    data: ElementArray[T],
    dims: readonly number[],
  ): string {
    this.reserve(name);
    this.initializers.push(makeTensorProto(name, type, data, dims));
    return name;
  }

  /**
   * Returns the name of an int64 constant with the given values, adding it
   * on first use (shapes, axes, indices). Equal constants share one
   * initializer.
   *
   * @param values - integers
   * @param dims - shape, `[values.length]` by default; `[]` for a scalar
   * @returns value name
   */
  int64(
    values: readonly number[],
    dims: readonly number[] = [values.length],
  ): string {
    return this.cachedConstant("int64", values, dims, () =>
      BigInt64Array.from(values, (v) => BigInt(v)),
    );
  }

  /**
   * Returns the name of a float32 constant with the given values, adding it
   * on first use. Equal constants share one initializer.
   *
   * @param values - numbers, stored as float32
   * @param dims - shape, `[]` (a scalar) by default
   * @returns value name
   */
  float32(
    values: number | readonly number[],
    dims?: readonly number[],
  ): string {
    const list = typeof values === "number" ? [values] : values;
    const shape = dims ?? (typeof values === "number" ? [] : [list.length]);
    return this.cachedConstant("float32", list, shape, () =>
      Float32Array.from(list),
    );
  }

  /**
   * Declares a graph input.
   *
   * @param name - value name; it must not be in use yet
   * @param type - element type
   * @param dims - shape; strings are symbolic dimensions
   * @returns `name`
   */
  addInput(name: string, type: ElementType, dims: readonly Dim[]): string {
    this.reserve(name);
    this.inputs.push(makeValueInfo(name, type, dims));
    return name;
  }

  /**
   * Declares an existing value as a graph output.
   *
   * @param name - name of a value produced by a node (rename one with {@link GraphBuilder.identity})
   * @param type - element type
   * @param dims - shape, strings being symbolic dimensions; omit it to leave the shape to shape inference
   */
  addOutput(name: string, type: ElementType, dims?: readonly Dim[]): void {
    if (!this.usedNames.has(name)) {
      throw new Error(
        `output ${name} is not produced by any node of the graph; add the node first`,
      );
    }
    this.outputs.push(makeValueInfo(name, type, dims));
  }

  /**
   * Adds a node of any default-domain operator.
   *
   * @param opType - operator name, for example `MatMul`
   * @param inputs - input value names; `''` marks an omitted optional input
   * @param options - outputs, attributes and node name
   * @returns the output value names
   */
  node(
    opType: string,
    inputs: readonly string[],
    options: NodeOptions = {},
  ): string[] {
    const nodeName = options.name ?? this.uniqueName(opType);
    if (options.name !== undefined) {
      this.reserve(options.name);
    }

    let outputs: string[];
    if (options.outputNames !== undefined) {
      outputs = [...options.outputNames];
      outputs.forEach((name) => this.reserve(name));
    } else {
      const count = options.outputCount ?? 1;
      outputs = Array.from({ length: count }, () =>
        this.uniqueName(`${nodeName}/out`),
      );
    }

    const attributes = Object.entries(options.attributes ?? {}).map(
      ([key, value]) => makeAttributeProto(key, value),
    );
    this.nodes.push({
      name: nodeName,
      opType,
      input: [...inputs],
      output: outputs,
      attribute: attributes,
    });
    return outputs;
  }

  /** `Identity`, used to give a value a chosen name (for graph outputs). */
  identity(x: string, outputName: string): string {
    return this.node("Identity", [x], { outputNames: [outputName] })[0];
  }

  /** `MatMul`: NumPy-style batched matrix product `a @ b`. */
  matMul(a: string, b: string): string {
    return this.single("MatMul", [a, b]);
  }

  /**
   * `Gemm`: `alpha · A' · B' + beta · C` for 2-D `A`, `B`, where `'` is an
   * optional transpose.
   *
   * @param a - (M, K) or (K, M) with `transA`
   * @param b - (K, N) or (N, K) with `transB`
   * @param c - bias broadcastable to (M, N), or `undefined`
   * @param options - transposes and scales
   * @returns the (M, N) result
   */
  gemm(
    a: string,
    b: string,
    c?: string,
    options: {
      transA?: boolean;
      transB?: boolean;
      alpha?: number;
      beta?: number;
    } = {},
  ): string {
    const attributes: Record<string, AttributeValue> = {
      transA: attr.int(options.transA ? 1 : 0),
      transB: attr.int(options.transB ? 1 : 0),
      alpha: attr.float(options.alpha ?? 1),
      beta: attr.float(options.beta ?? 1),
    };
    const inputs = c === undefined ? [a, b] : [a, b, c];
    return this.single("Gemm", inputs, attributes);
  }

  /** `Add` with broadcasting. */
  add(a: string, b: string): string {
    return this.single("Add", [a, b]);
  }

  /** `Sub` with broadcasting. */
  sub(a: string, b: string): string {
    return this.single("Sub", [a, b]);
  }

  /** `Mul` with broadcasting. */
  mul(a: string, b: string): string {
    return this.single("Mul", [a, b]);
  }

  /** `Div` with broadcasting. */
  div(a: string, b: string): string {
    return this.single("Div", [a, b]);
  }

  /** `Max` of two tensors with broadcasting. */
  max(a: string, b: string): string {
    return this.single("Max", [a, b]);
  }

  /** `Sqrt`, element-wise. */
  sqrt(x: string): string {
    return this.single("Sqrt", [x]);
  }

  /** `Erf`, element-wise. */
  erf(x: string): string {
    return this.single("Erf", [x]);
  }

  /** `Sigmoid`, element-wise: 1 / (1 + e^-x). */
  sigmoid(x: string): string {
    return this.single("Sigmoid", [x]);
  }

  /**
   * GELU in its exact form, `0.5 · x · (1 + erf(x / √2))`, written with `Erf`
   * because the `Gelu` operator only exists from opset 20.
   *
   * @param x - any float tensor
   * @returns GELU(x), same shape
   */
  gelu(x: string): string {
    const scaled = this.mul(x, this.float32(Math.SQRT1_2));
    const onePlusErf = this.add(this.erf(scaled), this.float32(1));
    return this.mul(this.mul(x, this.float32(0.5)), onePlusErf);
  }

  /**
   * OpenAI's QuickGELU, `x · σ(1.702 · x)`.
   *
   * @param x - any float tensor
   * @returns QuickGELU(x), same shape
   */
  quickGelu(x: string): string {
    return this.mul(x, this.sigmoid(this.mul(x, this.float32(1.702))));
  }

  /**
   * `LayerNormalization` (opset 17) over the trailing axes from `axis`.
   *
   * @param x - input
   * @param scale - γ, shape of the normalised axes
   * @param bias - β, same shape as `scale`
   * @param epsilon - added to the variance (1e-5 in CLIP)
   * @param axis - first normalised axis (default -1, the last)
   * @returns normalised tensor, same shape as `x`
   */
  layerNorm(
    x: string,
    scale: string,
    bias: string,
    epsilon = 1e-5,
    axis = -1,
  ): string {
    return this.single("LayerNormalization", [x, scale, bias], {
      axis: attr.int(axis),
      epsilon: attr.float(epsilon),
    });
  }

  /** `Softmax` along one axis (default the last). */
  softmax(x: string, axis = -1): string {
    return this.single("Softmax", [x], { axis: attr.int(axis) });
  }

  /** `Transpose` with an explicit permutation. */
  transpose(x: string, perm: readonly number[]): string {
    return this.single("Transpose", [x], { perm: attr.ints(perm) });
  }

  /**
   * `Reshape` to a constant shape, where `0` copies the input dimension at
   * that position and `-1` is inferred.
   */
  reshape(x: string, shape: readonly number[]): string {
    return this.single("Reshape", [x, this.int64(shape)]);
  }

  /**
   * `Gather` along `axis`. A number index is a scalar, so the axis is
   * removed; a value name keeps the index tensor's dimensions.
   */
  gather(x: string, index: number | string, axis = 0): string {
    const indices = typeof index === "number" ? this.int64([index], []) : index;
    return this.single("Gather", [x, indices], { axis: attr.int(axis) });
  }

  /** `Concat` along `axis`. */
  concat(xs: readonly string[], axis: number): string {
    return this.single("Concat", xs, { axis: attr.int(axis) });
  }

  /**
   * `Slice` with constant bounds: elements `starts[i] ≤ j < ends[i]` with
   * step `steps[i]` along `axes[i]`.
   */
  slice(
    x: string,
    starts: readonly number[],
    ends: readonly number[],
    axes: readonly number[],
    steps?: readonly number[],
  ): string {
    const inputs = [x, this.int64(starts), this.int64(ends), this.int64(axes)];
    if (steps !== undefined) {
      inputs.push(this.int64(steps));
    }
    return this.single("Slice", inputs);
  }

  /** `Unsqueeze`: inserts size-1 axes at `axes` (opset 13 form, axes as input). */
  unsqueeze(x: string, axes: readonly number[]): string {
    return this.single("Unsqueeze", [x, this.int64(axes)]);
  }

  /** `Squeeze`: removes the size-1 axes `axes` (opset 13 form, axes as input). */
  squeeze(x: string, axes: readonly number[]): string {
    return this.single("Squeeze", [x, this.int64(axes)]);
  }

  /** `ReduceSum` over `axes` (opset 13 form, axes as input). */
  reduceSum(x: string, axes: readonly number[], keepDims = true): string {
    return this.single("ReduceSum", [x, this.int64(axes)], {
      keepdims: attr.int(keepDims ? 1 : 0),
    });
  }

  /** `Shape`: the input's dimensions as a 1-D int64 tensor. */
  shape(x: string): string {
    return this.single("Shape", [x]);
  }

  /** `Expand`: broadcasts `x` to the 1-D int64 shape tensor `shape`. */
  expand(x: string, shape: string): string {
    return this.single("Expand", [x, shape]);
  }

  /** `Conv` without bias when `bias` is omitted. */
  conv(
    x: string,
    weight: string,
    options: {
      strides: readonly number[];
      bias?: string;
      pads?: readonly number[];
    },
  ): string {
    const inputs =
      options.bias === undefined ? [x, weight] : [x, weight, options.bias];
    const attributes: Record<string, AttributeValue> = {
      strides: attr.ints(options.strides),
    };
    if (options.pads !== undefined) {
      attributes.pads = attr.ints(options.pads);
    }
    return this.single("Conv", inputs, attributes);
  }

  /**
   * L2 normalisation along `axis`, `x / max(‖x‖₂, eps)`, the same as
   * PyTorch's `F.normalize` (eps = 1e-12), so a zero vector stays zero.
   *
   * @param x - input
   * @param axis - normalised axis (default the last)
   * @param eps - lower bound on the norm
   * @returns unit vectors along `axis`, same shape as `x`
   */
  l2Normalize(x: string, axis = -1, eps = 1e-12): string {
    const sumSquares = this.reduceSum(this.mul(x, x), [axis], true);
    const norm = this.max(this.sqrt(sumSquares), this.float32(eps));
    return this.div(x, norm);
  }

  /**
   * Assembles the model.
   *
   * @returns the ModelProto message
   * @throws Error when the graph has no output
   */
  build(): onnx.ModelProto {
    if (this.outputs.length === 0) {
      throw new Error("the graph has no output; call addOutput before build");
    }

    const graph: onnx.IGraphProto = {
      name: this.options.name ?? "graph",
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    };
    const metadata = Object.entries(this.options.metadata ?? {}).map(
      ([key, value]) => ({ key, value }),
    );
    return onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: "@devprompt/clip-encoders",
      docString: this.options.docString ?? "",
      opsetImport: [{ domain: "", version: this.opset }],
      metadataProps: metadata,
      graph,
    });
  }

  /**
   * Assembles and serialises the model.
   *
   * @returns the ModelProto wire bytes, ready for an `InferenceSession`
   */
  toBytes(): Uint8Array {
    return onnx.ModelProto.encode(this.build()).finish();
  }

  private single(
    opType: string,
    inputs: readonly string[],
    attributes?: Record<string, AttributeValue>,
  ): string {
    return this.node(opType, inputs, { attributes })[0];
  }

  private reserve(name: string): void {
    if (name === "") {
      throw new Error("a value or node name must not be empty");
    }
    if (this.usedNames.has(name)) {
      throw new Error(
        `name ${name} is already used in this graph; pick another or call uniqueName`,
      );
    }
    this.usedNames.add(name);
  }

  private cachedConstant<T extends ElementType>(
    type: T,
    values: readonly number[],
    dims: readonly number[],
    makeData: () => ElementArray[T],
  ): string {
    const key = `${type}:${dims.join("x")}:${values.join(",")}`;
    const cached = this.constantCache.get(key);
    if (cached !== undefined) {
      return cached;
    }

    const name = this.uniqueName(`const_${type}`);
    this.initializers.push(makeTensorProto(name, type, makeData(), dims));
    this.constantCache.set(key, name);
    return name;
  }
}

function makeValueInfo(
  name: string,
  type: ElementType,
  dims?: readonly Dim[],
): onnx.IValueInfoProto {
  const tensorType: onnx.TypeProto.ITensor = { elemType: onnxDataType(type) };
  if (dims !== undefined) {
    const dim = dims.map((d) =>
      typeof d === "number" ? { dimValue: d } : { dimParam: d },
    );
    tensorType.shape = { dim };
  }
  return { name, type: { tensorType } };
}
