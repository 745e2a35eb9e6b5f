import { onnx } from "onnx-proto";

import {
  buildTextForwardModel,
  TEXT_GRAPH_IO,
} from "../../src/text/onnx-text-forward";
import { buildTextVjpModel } from "../../src/text/onnx-text-vjp";
import { tinyTextTower } from "./tiny-text-tower";

describe("text encoder ONNX graphs", () => {
  const tower = tinyTextTower("gelu");
  const forward = onnx.ModelProto.decode(buildTextForwardModel(tower));
  const vjp = onnx.ModelProto.decode(buildTextVjpModel(tower));

  const dims = (value: onnx.IValueInfoProto) =>
    value.type!.tensorType!.shape!.dim!.map(
      (d) => d.dimParam || Number(d.dimValue),
    );

  it("forward graph has dynamic prompts and tokens", () => {
    const inputs = forward.graph!.input!;
    expect(inputs.map((i) => i.name)).toEqual([
      TEXT_GRAPH_IO.embeddings,
      TEXT_GRAPH_IO.eotRows,
    ]);
    expect(dims(inputs[0])).toEqual(["prompts", "tokens", 32]);
    expect(dims(forward.graph!.output![0])).toEqual(["prompts", 24]);
  });

  it("VJP graph outputs features and dE", () => {
    expect(vjp.graph!.input!.map((i) => i.name)).toEqual([
      TEXT_GRAPH_IO.embeddings,
      TEXT_GRAPH_IO.eotRows,
      TEXT_GRAPH_IO.featureGradient,
    ]);
    expect(vjp.graph!.output!.map(dims)).toEqual([
      ["prompts", 24],
      ["prompts", "tokens", 32],
    ]);
  });

  it("uses only default-domain operators", () => {
    const domains = new Set(vjp.graph!.node!.map((node) => node.domain ?? ""));
    expect([...domains]).toEqual([""]);
    const opsets = vjp.opsetImport!.map((o) => [o.domain, Number(o.version)]);
    expect(opsets).toEqual([["", 17]]);
  });

  it("stores each weight once per graph", () => {
    const names = vjp.graph!.initializer!.map((tensor) => tensor.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain("transformer.resblocks.2.mlp.c_proj.weight");
  });
});
