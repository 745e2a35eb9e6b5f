import { endianness } from "node:os";
import { onnx } from "onnx-proto";

/** Element types the graph builder can store in initializers and declare on inputs and outputs. */
export type ElementType = "float32" | "int32" | "int64" | "bool";

/** Typed array matching each {@link ElementType}. */
export interface ElementArray {
  /** 32-bit IEEE floats. */
  float32: Float32Array;
  /** 32-bit signed integers. */
  int32: Int32Array;
  /** 64-bit signed integers. */
  int64: BigInt64Array;
  /** Booleans, one byte each (0 or 1). */
  bool: Uint8Array;
}

const DATA_TYPE: Record<ElementType, onnx.TensorProto.DataType> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

/**
 * Returns the ONNX `TensorProto.DataType` code of an element type.
 *
 * @param type - element type
 * @returns the enum value stored in `TensorProto.data_type` and `TypeProto.Tensor.elem_type`
 */
export function onnxDataType(type: ElementType): onnx.TensorProto.DataType {
  return DATA_TYPE[type];
}

/**
 * Returns the bytes of a typed array in little-endian order, as ONNX
 * `raw_data` requires. On little-endian hosts this is a view of the same
 * memory (no copy); on big-endian hosts the bytes of each element are swapped
 * into a new buffer.
 *
 * @param data - values to store
 * @returns little-endian bytes, `data.length * BYTES_PER_ELEMENT` long
 */
export function littleEndianBytes(
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array,
): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const size = data.BYTES_PER_ELEMENT;
  if (endianness() === "LE" || size === 1) {
    return bytes;
  }

  const swapped = new Uint8Array(bytes.length);
  for (let start = 0; start < bytes.length; start += size) {
    for (let k = 0; k < size; k++) {
      swapped[start + k] = bytes[start + size - 1 - k];
    }
  }
  return swapped;
}

/**
 * Builds a `TensorProto` holding `data` as little-endian `raw_data`.
 *
 * @param name - tensor name (unique within the graph for initializers)
 * @param type - element type of `data`
 * @param data - row-major values
 * @param dims - shape, outermost first; `[]` for a scalar
 * @returns the tensor message
 * @throws Error when the product of `dims` differs from `data.length`
 */
export function makeTensorProto<T extends ElementType>(
  name: string,
  type: T,
  data: ElementArray[T],
  dims: readonly number[],
): onnx.ITensorProto {
  const count = dims.reduce((product, dim) => product * dim, 1);
  if (count !== data.length) {
    throw new Error(
      `tensor ${name}: shape [${dims.join(", ")}] needs ${count} values, got ${data.length}`,
    );
  }

  return {
    name,
    dataType: onnxDataType(type),
    dims: [...dims],
    rawData: littleEndianBytes(data),
  };
}
