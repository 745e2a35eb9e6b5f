/**
 * Benchmark sweeps: a sweep definition expanded into train+eval runs with
 * stable ids, executed in this process or by workers on a BullMQ queue, and
 * summarised as tables of mean ± std over seeds.
 *
 * @packageDocumentation
 * @module sweep
 */
export * from "./sweep-definition";
export * from "./plan";
export * from "./run-results";
export * from "./executor";
export * from "./local-runner";
export * from "./queue";
export * from "./status";
export * from "./report";
