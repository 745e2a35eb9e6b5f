// Jest runs each test file in a separate vm context, so `Float32Array` inside
// a test is not the constructor Node's own code sees. onnxruntime-node checks
// typed arrays with `instanceof` against the outer realm and rejects tensors
// built in the test realm ("A float32 tensor's data must be type of
// Float32Array"). This environment hands the test realm Node's own typed-array
// and buffer constructors so both sides agree.
const { TestEnvironment } = require("jest-environment-node");

const SHARED_GLOBALS = [
  "ArrayBuffer",
  "SharedArrayBuffer",
  "DataView",
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
  "Buffer",
];

class NodeRealmEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED_GLOBALS) {
      this.global[name] = globalThis[name];
    }
  }
}

module.exports = NodeRealmEnvironment;
