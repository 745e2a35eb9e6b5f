import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** True when a `redis-server` binary is on the PATH. */
export const HAS_REDIS =
  spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;

/** Reason printed in the name of a skipped suite. */
export const NO_REDIS_REASON =
  "skipped: no redis-server on the PATH (Debian: apt-get install -y redis-server)";

/** A Redis server started by a test. */
export interface TestRedis {
  /** `redis://127.0.0.1:PORT`. */
  url: string;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

/** Asks the kernel for a free loopback port. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throwaway redis-server on a free 127.0.0.1 port, without
 * persistence, and waits until it accepts connections.
 *
 * @returns the URL and a stop function
 */
export async function startTestRedis(): Promise<TestRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) =>
      reject(new Error(`redis-server exited with ${code}: ${output}`)),
    );
  });
  child.stdout?.removeAllListeners("data");
  child.stderr?.removeAllListeners("data");
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.removeAllListeners("exit");
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
