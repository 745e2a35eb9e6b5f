import { onnx } from "onnx-proto";

import { ElementArray, ElementType, makeTensorProto } from "./tensor-proto";

/**
 * A node attribute value tagged with its ONNX attribute type, so that `1` as
 * an integer and `1.0` as a float cannot be confused. Build one with
 * {@link attr}.
 */
export type AttributeValue =
  | {
      /** ONNX attribute type `INT`. */
      kind: "int";
      /** The integer value, stored as int64. */
      value: number;
    }
  | {
      /** ONNX attribute type `FLOAT`. */
      kind: "float";
      /** The value, stored as float32. */
      value: number;
    }
  | {
      /** ONNX attribute type `STRING`. */
      kind: "string";
      /** The text, stored as UTF-8. */
      value: string;
    }
  | {
      /** ONNX attribute type `INTS`. */
      kind: "ints";
      /** The integers, stored as int64. */
      value: readonly number[];
    }
  | {
      /** ONNX attribute type `FLOATS`. */
      kind: "floats";
      /** The values, stored as float32. */
      value: readonly number[];
    }
  | {
      /** ONNX attribute type `TENSOR`. */
      kind: "tensor";
      /** The tensor message. */
      value: onnx.ITensorProto;
    };

/**
 * Constructors of {@link AttributeValue}.
 *
 * @example
 * ```ts
 * graph.node('Softmax', [x], { attributes: { axis: attr.int(-1) } });
 * ```
 */
export const attr = {
  /**
   * Builds an `INT` attribute.
   *
   * @param value - integer value
   * @returns the tagged value
   */
  int(value: number): AttributeValue {
    if (!Number.isInteger(value)) {
      throw new Error(`an INT attribute needs an integer, got ${value}`);
    }
    return { kind: "int", value };
  },

  /**
   * Builds a `FLOAT` attribute.
   *
   * @param value - value, stored as float32
   * @returns the tagged value
   */
  float(value: number): AttributeValue {
    return { kind: "float", value };
  },

  /**
   * Builds a `STRING` attribute, stored as UTF-8.
   *
   * @param value - text
   * @returns the tagged value
   */
  string(value: string): AttributeValue {
    return { kind: "string", value };
  },

  /**
   * Builds an `INTS` attribute.
   *
   * @param value - integers
   * @returns the tagged value
   */
  ints(value: readonly number[]): AttributeValue {
    const bad = value.find((v) => !Number.isInteger(v));
    if (bad !== undefined) {
      throw new Error(`an INTS attribute needs integers, got ${bad}`);
    }
    return { kind: "ints", value: [...value] };
  },

  /**
   * Builds a `FLOATS` attribute.
   *
   * @param value - values, stored as float32
   * @returns the tagged value
   */
  floats(value: readonly number[]): AttributeValue {
    return { kind: "floats", value: [...value] };
  },

  /**
   * Builds a `TENSOR` attribute, for example the `value` of a `Constant` node.
   *
   * @param type - element type
   * @param data - row-major values
   * @param dims - shape; `[]` for a scalar
   * @returns the tagged value
   */
  tensor<T extends ElementType>(
    type: T,
    data: ElementArray[T],
    dims: readonly number[],
  ): AttributeValue {
    return { kind: "tensor", value: makeTensorProto("", type, data, dims) };
  },
};

/**
 * Converts a tagged attribute value into an `AttributeProto`.
 *
 * @param name - attribute name as the operator defines it (`axis`, `perm`, ...)
 * @param value - tagged value
 * @returns the attribute message
 */
export function makeAttributeProto(
  name: string,
  value: AttributeValue,
): onnx.IAttributeProto {
  const type = onnx.AttributeProto.AttributeType;
  switch (value.kind) {
    case "int":
      return { name, type: type.INT, i: value.value };
    case "float":
      return { name, type: type.FLOAT, f: value.value };
    case "string":
      return { name, type: type.STRING, s: Buffer.from(value.value, "utf8") };
    case "ints":
      return { name, type: type.INTS, ints: [...value.value] };
    case "floats":
      return { name, type: type.FLOATS, floats: [...value.value] };
    case "tensor":
      return { name, type: type.TENSOR, t: value.value };
  }
}
