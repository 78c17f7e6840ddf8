#!/usr/bin/env python3
"""Writes the report tests' large model: chain1000.onnx, 1,000 layers (500 convolutions, each
followed by a residual Add) with an InstanceNormalization (a GPU plugin in TensorRT) every 70
layers, so the plan has many DLA loadables, GPU fallbacks and hand-offs. Weights are small and
seeded; only the graph's size matters."""
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper


def chain(n_layers=1000, c=8, hw=16, gpu_every=70):
    rng = np.random.default_rng(7)
    nodes, inits = [], []
    x = "input"
    layers = 0
    k = 0
    while layers < n_layers:
        w = f"w{k}"
        inits.append(numpy_helper.from_array(
            (rng.standard_normal((c, c, 3, 3)) * 0.1).astype(np.float32), w))
        conv = f"conv{k}"
        nodes.append(helper.make_node("Conv", [x, w], [conv], name=f"Conv_{k}", pads=[1, 1, 1, 1]))
        add = f"add{k}"
        nodes.append(helper.make_node("Add", [conv, x], [add], name=f"Add_{k}"))
        x = add
        layers += 2
        if layers % gpu_every < 2 and layers < n_layers:
            s, b = f"s{k}", f"b{k}"
            inits.append(numpy_helper.from_array(np.ones(c, np.float32), s))
            inits.append(numpy_helper.from_array(np.zeros(c, np.float32), b))
            nodes.append(helper.make_node("InstanceNormalization", [x, s, b], [f"in{k}"],
                                          name=f"InstanceNormalization_{k}"))
            x = f"in{k}"
            layers += 1
        k += 1
    nodes.append(helper.make_node("Identity", [x], ["output"], name="Output"))
    graph = helper.make_graph(
        nodes, "chain1000",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, c, hw, hw])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, c, hw, hw])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="dlasim-tests")
    model.ir_version = 8
    return model


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "chain1000.onnx"), "wb") as f:
        f.write(chain().SerializeToString())


if __name__ == "__main__":
    main()
