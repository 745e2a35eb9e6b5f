import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import * as ort from "onnxruntime-node";

import {
  CUDA_INSTALL_HINT,
  GraphBuilder,
  createOnnxSession,
  cudaProviderStatus,
  resetCudaFallbackReport,
} from "../../src/onnx";

function identityModel(): Uint8Array {
  const g = new GraphBuilder();
  const x = g.addInput("x", "float32", [1]);
  g.addOutput(g.identity(x, "y"), "float32", [1]);
  return g.toBytes();
}

const cuda = cudaProviderStatus();

describe("createOnnxSession", () => {
  it("creates a CPU session by default", async () => {
    const { session, device } = await createOnnxSession(identityModel(), {
      intraOpThreads: 1,
      interOpThreads: 1,
    });

    expect(device).toBe("cpu");
    expect(session.inputNames).toEqual(["x"]);
    expect(session.outputNames).toEqual(["y"]);
    await session.release();
  });

  it("loads a model from a file path", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "onnx-session-"));
    const file = path.join(folder, "identity.onnx");
    writeFileSync(file, identityModel());

    const { session } = await createOnnxSession(file);
    const out = await session.run({
      x: new ort.Tensor("float32", Float32Array.from([2.5]), [1]),
    });

    expect(Array.from(out.y.data as Float32Array)).toEqual([2.5]);
    await session.release();
    rmSync(folder, { recursive: true, force: true });
  });

  it("rejects a negative thread count", async () => {
    await expect(
      createOnnxSession(identityModel(), { intraOpThreads: -1 }),
    ).rejects.toThrow("intraOpThreads must be a non-negative integer");
  });

  it("reports CUDA availability with a reason", () => {
    expect(typeof cuda.available).toBe("boolean");
    expect(cuda.available ? cuda.reason === "" : cuda.reason.length > 0).toBe(
      true,
    );
  });

  (cuda.available ? it.skip : it)(
    "fails on missing CUDA with the install hint",
    async () => {
      const attempt = createOnnxSession(identityModel(), { device: "cuda" });

      await expect(attempt).rejects.toThrow(
        /CUDA execution provider is unavailable/,
      );
      await expect(attempt).rejects.toThrow(CUDA_INSTALL_HINT);
      await expect(attempt).rejects.toThrow(/ONNXRUNTIME_NODE_INSTALL=cuda12/);
    },
  );

  (cuda.available ? it.skip : it)(
    "falls back to the CPU once when allowed",
    async () => {
      resetCudaFallbackReport();
      const warnings: string[] = [];
      const logger = { warn: (message: string) => warnings.push(message) };

      const first = await createOnnxSession(identityModel(), {
        device: "cuda",
        allowCpuFallback: true,
        logger,
      });
      const second = await createOnnxSession(identityModel(), {
        device: "cuda",
        allowCpuFallback: true,
        logger,
      });

      expect(first.device).toBe("cpu");
      expect(second.device).toBe("cpu");
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/running on the CPU instead/);
      await first.session.release();
      await second.session.release();
    },
  );
});
