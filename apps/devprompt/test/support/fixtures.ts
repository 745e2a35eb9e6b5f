import { readFileSync } from "node:fs";
import * as path from "node:path";

/** Folder of the committed golden fixtures. */
export const FIXTURE_DIR = path.join(__dirname, "..", "fixtures");

/** Reads a JSON fixture written by tools/golden/maps/make_fixtures.py. */
export function readJsonFixture<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(FIXTURE_DIR, name), "utf8")) as T;
}

/** Creates a Float32Array from fixture numbers, which are exact float32 values. */
export function f32(values: readonly number[]): Float32Array {
  return Float32Array.from(values);
}

/**
 * Deterministic pseudo-random numbers in [0, 1) (mulberry32), so tests do
 * not depend on Math.random.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills a Float32Array with uniform values in [−1, 1). */
export function randomArray(
  length: number,
  random: () => number,
): Float32Array {
  return Float32Array.from({ length }, () => 2 * random() - 1);
}
