import { cosineAnnealingSchedule } from "../../src/train/cosine-annealing";
import { SgdMomentum } from "../../src/train/sgd";
import { f32, readJsonFixture } from "../support/fixtures";
import {
  OPTIM_TOLERANCE,
  expectAllClose,
  expectClose,
} from "../support/tolerance";
import type { OptimFixture, OptimRun } from "./optim-fixture";

/** Gradient of 0.5 · Σ a (p − c)² : a (p − c). */
function quadraticGradient(
  p: Float32Array,
  a: Float32Array,
  c: Float32Array,
): Float32Array {
  return p.map((v, i) => a[i] * (v - c[i]));
}

function quadraticLoss(
  params: Float32Array[],
  a: Float32Array[],
  c: Float32Array[],
): number {
  let loss = 0;
  params.forEach((p, t) =>
    p.forEach((v, i) => (loss += 0.5 * a[t][i] * (v - c[t][i]) ** 2)),
  );
  return loss;
}

describe("SgdMomentum", () => {
  it("matches two hand-computed steps", () => {
    // p0 = 1, g = 2 each step, λ = 0.1, μ = 0.5, lr = 0.1:
    // step 1: d = 2 + 0.1·1 = 2.1, b = 2.1, p = 1 − 0.21 = 0.79
    // step 2: d = 2 + 0.079 = 2.079, b = 0.5·2.1 + 2.079 = 3.129, p = 0.79 − 0.3129 = 0.4771
    const sgd = new SgdMomentum({ momentum: 0.5, weightDecay: 0.1 });
    const p = [Float32Array.from([1])];
    sgd.step(p, [Float32Array.from([2])], 0.1);
    expect(p[0][0]).toBeCloseTo(0.79, 6);
    sgd.step(p, [Float32Array.from([2])], 0.1);
    expect(p[0][0]).toBeCloseTo(0.4771, 6);
  });

  it("is plain gradient descent without momentum and decay", () => {
    const sgd = new SgdMomentum({ momentum: 0, weightDecay: 0 });
    const p = [Float32Array.from([1, -2])];
    sgd.step(p, [Float32Array.from([0.5, 1])], 0.2);
    sgd.step(p, [Float32Array.from([0.5, 1])], 0.2);
    expect(p[0][0]).toBeCloseTo(0.8, 6);
    expect(p[0][1]).toBeCloseTo(-2.4, 6);
    expect(sgd.state().momentumBuffers).toHaveLength(0);
  });

  it("leaves the gradients unchanged", () => {
    const sgd = new SgdMomentum({ momentum: 0.9, weightDecay: 5e-4 });
    const g = Float32Array.from([1, 2]);
    sgd.step([Float32Array.from([3, 4])], [g], 0.1);
    expect(Array.from(g)).toEqual([1, 2]);
  });

  it("resumes from a saved state exactly", () => {
    const grads = (p: Float32Array) => p.map((v) => 2 * v - 1);
    const lrs = cosineAnnealingSchedule(10, 0.1, 1e-3);
    const straight = new SgdMomentum({ momentum: 0.9, weightDecay: 5e-4 });
    const p1 = [Float32Array.from([1, -1, 0.5])];
    lrs.forEach((lr) => straight.step(p1, [grads(p1[0])], lr));

    const first = new SgdMomentum({ momentum: 0.9, weightDecay: 5e-4 });
    const p2 = [Float32Array.from([1, -1, 0.5])];
    lrs.slice(0, 4).forEach((lr) => first.step(p2, [grads(p2[0])], lr));
    const second = new SgdMomentum({ momentum: 0.9, weightDecay: 5e-4 });
    second.loadState(first.state());
    lrs.slice(4).forEach((lr) => second.step(p2, [grads(p2[0])], lr));

    expect(Array.from(p2[0])).toEqual(Array.from(p1[0]));
  });

  it("rejects mismatched parameter and gradient counts", () => {
    const sgd = new SgdMomentum({ momentum: 0.9, weightDecay: 0 });
    expect(() => sgd.step([new Float32Array(2)], [], 0.1)).toThrow(
      /1 parameter tensors but 0 gradients/,
    );
  });

  it("rejects a gradient of another length", () => {
    const sgd = new SgdMomentum({ momentum: 0.9, weightDecay: 0 });
    expect(() =>
      sgd.step([new Float32Array(2)], [new Float32Array(3)], 0.1),
    ).toThrow(/parameter 0 has 2 values but its gradient has 3/);
  });

  it("rejects a negative momentum", () => {
    expect(() => new SgdMomentum({ momentum: -0.1, weightDecay: 0 })).toThrow(
      /momentum must be a number ≥ 0/,
    );
  });

  describe("against torch.optim.SGD with CosineAnnealingLR", () => {
    const fixture = readJsonFixture<OptimFixture>("sgd-cosine.json");

    const replay = (run: OptimRun) => {
      const params = run.init.map(f32);
      const a = run.curvature.map(f32);
      const c = run.centre.map(f32);
      const sgd = new SgdMomentum({
        momentum: run.momentum,
        weightDecay: run.weightDecay,
      });
      const lrs = cosineAnnealingSchedule(run.epochs, run.lr, run.etaMin);
      const history: { loss: number; params: Float32Array[] }[] = [];
      lrs.forEach((lr) => {
        const loss = quadraticLoss(params, a, c);
        sgd.step(
          params,
          params.map((p, t) => quadraticGradient(p, a[t], c[t])),
          lr,
        );
        history.push({ loss, params: params.map((p) => Float32Array.from(p)) });
      });
      return history;
    };

    it.each(
      fixture.runs.map(
        (r) =>
          [
            `lr ${r.lr}, momentum ${r.momentum}, decay ${r.weightDecay}`,
            r,
          ] as const,
      ),
    )("%s", (_, run) => {
      const history = replay(run);
      history.forEach((entry, epoch) => {
        expectClose(
          entry.loss,
          run.losses[epoch],
          OPTIM_TOLERANCE,
          `loss at epoch ${epoch}`,
        );
        entry.params.forEach((p, t) =>
          expectAllClose(
            p,
            run.params[epoch][t],
            OPTIM_TOLERANCE,
            `tensor ${t} after epoch ${epoch}`,
          ),
        );
      });
    });
  });
});
