/** Layout of sgd-cosine.json, written by tools/golden/maps/make_fixtures.py. */
export interface OptimRun {
  epochs: number;
  lr: number;
  etaMin: number;
  momentum: number;
  weightDecay: number;
  shapes: number[][];
  init: number[][];
  curvature: number[][];
  centre: number[][];
  lrs: number[];
  lrAfterLastStep: number;
  losses: number[];
  /** Parameters after each epoch: params[epoch][tensor]. */
  params: number[][][];
}

/** The whole fixture. */
export interface OptimFixture {
  runs: OptimRun[];
}
