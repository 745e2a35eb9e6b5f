import * as fs from "node:fs";
import * as path from "node:path";

import * as tf from "@tensorflow/tfjs";
import * as ts from "typescript";

import * as api from "../src";
import { matrix } from "./support/arrays";
import { expectClose } from "./support/tolerance";

// The guide promises a new loss written and registered in under twenty
// lines; these tests run its first TypeScript example as written.
const GUIDE = path.join(
  __dirname,
  "..",
  "..",
  "..",
  "docs",
  "guides",
  "writing-a-loss.md",
);

function guideExample(): string {
  const text = fs.readFileSync(GUIDE, "utf8");
  const match = /```ts\n([\s\S]*?)```/.exec(text);
  if (match === null) {
    throw new Error(`no TypeScript example found in ${GUIDE}`);
  }
  return match[1];
}

test("guide example is under twenty lines", () => {
  expect(guideExample().trim().split("\n").length).toBeLessThan(20);
});

test("guide example registers a working loss", () => {
  const registry = api.createLossRegistry();
  const packageForExample = {
    ...api,
    registerLoss: (factory: api.LossModuleFactory) =>
      registry.register(factory),
  };
  const modules: Record<string, unknown> = {
    "@tensorflow/tfjs": tf,
    "@devprompt/deviation-loss": packageForExample,
  };
  const javascript = ts.transpileModule(guideExample(), {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
    },
  }).outputText;
  new Function("require", "exports", javascript)(
    (name: string) => modules[name],
    {},
  );

  // One patch at cosine 0.6 from n̄ = (1, 0) and one at cosine 1:
  // mean of (1 − 0.6)² and 0 is 0.08.
  const loss = registry.build([{ name: "normal-pull", options: { power: 2 } }]);
  const result = api.computeLoss(loss, {
    patchFeatures: matrix([
      [
        [0.6, 0.8],
        [1, 0],
      ],
    ]),
    normalText: matrix([[2, 0]]),
    manualAbnormalText: matrix([[0, 1]]),
    learnedAbnormalText: { data: new Float32Array(0), shape: [0, 2] },
    logitScale: 4.6,
  });
  expectClose(result.total, 0.08, "normal-pull");
});
