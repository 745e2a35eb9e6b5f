import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

import * as ort from "onnxruntime-node";

/** Execution device of an ONNX graph. */
export type Device = "cpu" | "cuda";

/** Receiver of the package's diagnostic messages; packages never print. */
export interface EncoderLogger {
  /** Reports a condition the caller should know about, such as a CPU fallback. */
  warn(message: string): void;
}

/** Options of {@link createOnnxSession}. */
export interface OnnxSessionOptions {
  /** Execution provider; `cpu` by default. */
  device?: Device;
  /**
   * When `device` is `cuda` and the CUDA provider cannot be loaded, run on
   * the CPU instead of failing, and report the reason once through `logger`.
   * Off by default.
   */
  allowCpuFallback?: boolean;
  /** Threads used inside one operator; ONNX Runtime's default (all cores) when omitted. */
  intraOpThreads?: number;
  /** Threads used across independent operators; ONNX Runtime's default when omitted. */
  interOpThreads?: number;
  /** CUDA device ordinal (default 0). */
  cudaDeviceId?: number;
  /** Receives the fallback message. */
  logger?: EncoderLogger;
}

/** A created session and the device it really runs on. */
export interface OnnxSessionHandle {
  /** The onnxruntime-node session. */
  session: ort.InferenceSession;
  /** `cuda` only when the CUDA execution provider was registered. */
  device: Device;
}

/** Result of {@link cudaProviderStatus}. */
export interface CudaProviderStatus {
  /** Whether the CUDA provider library files are present next to the binding. */
  available: boolean;
  /** Reason it is not available; empty when it is. */
  reason: string;
}

/** How to obtain the CUDA build of onnxruntime-node; part of every CUDA error. */
export const CUDA_INSTALL_HINT =
  "the npm registry copy of onnxruntime-node bundles only the CPU provider. " +
  "On a machine with internet access and CUDA 12, reinstall it with its " +
  "install script enabled: `ONNXRUNTIME_NODE_INSTALL=cuda12 npm install " +
  "onnxruntime-node --foreground-scripts`, which downloads " +
  "libonnxruntime_providers_cuda next to the binding";

const CUDA_LIBRARY = /^(lib)?onnxruntime_providers_cuda\.(so|dll)$/;

let fallbackReported = false;

/**
 * Checks whether the CUDA execution provider library of the installed
 * onnxruntime-node is present. It does not load the library, so a present
 * but broken install (wrong CUDA or cuDNN version) is only detected when a
 * session is created.
 *
 * @returns availability and, when unavailable, the reason
 */
export function cudaProviderStatus(): CudaProviderStatus {
  const backend = ort
    .listSupportedBackends()
    .find((entry) => entry.name === "cuda");
  if (backend === undefined) {
    return {
      available: false,
      reason: `onnxruntime-node ${ort.env.versions.node ?? ""} on ${process.platform}/${process.arch} has no CUDA backend`,
    };
  }
  if (backend.bundled) {
    return { available: true, reason: "" };
  }

  const bindingDirectory = findBindingDirectory();
  if (bindingDirectory === undefined) {
    return {
      available: false,
      reason: "the onnxruntime-node binding directory was not found",
    };
  }
  const files = readdirSync(bindingDirectory);
  if (!files.some((file) => CUDA_LIBRARY.test(file))) {
    return {
      available: false,
      reason: `no onnxruntime_providers_cuda library in ${bindingDirectory}`,
    };
  }
  return { available: true, reason: "" };
}

/**
 * Creates an onnxruntime-node session from serialised model bytes or an
 * `.onnx` file, on the CPU or with the CUDA execution provider. A file path
 * needs less memory than bytes, because the bytes then stay alive in
 * JavaScript while ONNX Runtime builds its own copy.
 *
 * @param model - ModelProto wire bytes, for example from {@link GraphBuilder.toBytes}, or the path of an `.onnx` file
 * @param options - device, fallback policy and thread counts
 * @returns the session and the device it runs on
 * @throws Error when `device` is `cuda` and the CUDA provider cannot be
 *   used, unless `allowCpuFallback` is set. The message gives the reason and
 *   how to install the CUDA build.
 */
export async function createOnnxSession(
  model: Uint8Array | string,
  options: OnnxSessionOptions = {},
): Promise<OnnxSessionHandle> {
  const device = options.device ?? "cpu";
  const base = baseSessionOptions(options);
  if (device === "cpu") {
    const session = await openSession(model, {
      ...base,
      executionProviders: ["cpu"],
    });
    return { session, device: "cpu" };
  }

  let reason = cudaProviderStatus().reason;
  if (reason === "") {
    try {
      const session = await openSession(model, {
        ...base,
        executionProviders: [
          { name: "cuda", deviceId: options.cudaDeviceId ?? 0 },
          "cpu",
        ],
      });
      return { session, device: "cuda" };
    } catch (error) {
      reason = `creating a CUDA session failed: ${(error as Error).message}`;
    }
  }

  if (!options.allowCpuFallback) {
    throw new Error(
      `device cuda was requested but the CUDA execution provider is unavailable (${reason}); ${CUDA_INSTALL_HINT}. ` +
        "Use device cpu, or allow a CPU fallback (option allowCpuFallback; --allow-cpu-fallback in the devprompt CLI).",
    );
  }
  if (!fallbackReported) {
    fallbackReported = true;
    options.logger?.warn(
      `CUDA execution provider unavailable (${reason}); running on the CPU instead`,
    );
  }
  const session = await openSession(model, {
    ...base,
    executionProviders: ["cpu"],
  });
  return { session, device: "cpu" };
}

/** @internal Lets tests observe the once-per-process fallback message again. */
export function resetCudaFallbackReport(): void {
  fallbackReported = false;
}

function openSession(
  model: Uint8Array | string,
  options: ort.InferenceSession.SessionOptions,
): Promise<ort.InferenceSession> {
  // Two calls because the overloads of create() take a path or bytes, not a union.
  return typeof model === "string"
    ? ort.InferenceSession.create(model, options)
    : ort.InferenceSession.create(model, options);
}

function baseSessionOptions(
  options: OnnxSessionOptions,
): ort.InferenceSession.SessionOptions {
  // Severity 3 keeps ONNX Runtime's own warnings off stderr, because a
  // package must not print; failures still arrive as exceptions.
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: "all",
    logSeverityLevel: 3,
  };
  if (options.intraOpThreads !== undefined) {
    base.intraOpNumThreads = checkThreads(
      "intraOpThreads",
      options.intraOpThreads,
    );
  }
  if (options.interOpThreads !== undefined) {
    base.interOpNumThreads = checkThreads(
      "interOpThreads",
      options.interOpThreads,
    );
  }
  return base;
}

function checkThreads(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(
      `${name} must be a non-negative integer (0 lets ONNX Runtime choose), got ${value}`,
    );
  }
  return value;
}

function findBindingDirectory(): string | undefined {
  const packageRoot = path.dirname(
    require.resolve("onnxruntime-node/package.json"),
  );
  const binRoot = path.join(packageRoot, "bin");
  if (!existsSync(binRoot)) {
    return undefined;
  }
  for (const napi of readdirSync(binRoot)) {
    const candidate = path.join(binRoot, napi, process.platform, process.arch);
    if (existsSync(candidate)) {
      return candidate;
    }
  }
  return undefined;
}
