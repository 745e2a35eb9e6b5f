export * from "./encode-to-npy";
export * from "./graph-cache";
export * from "./image-encoder";
export { encodeNpy } from "./npy";
export * from "./taps";
export * from "./vision-graph";
export { checkVisionWeights } from "./vision-weights";
