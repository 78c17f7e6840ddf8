#!/usr/bin/python3
"""Select ONNX node test cases that only use dlasim-supported ops.

Usage: /usr/bin/python3 list_cases.py GEN_DIR [--stats] > cases.txt
  GEN_DIR is the output dir of gen_node_data.py (cases are in GEN_DIR/node).
Output line: name<TAB>ops<TAB>input dtypes<TAB>output dtypes<TAB>opset
With --stats, prints a summary (dtypes, param-as-graph-input cases) to stderr.
"""
import collections
import os
import sys

import onnx
from onnx import TensorProto

OPS = set("""Conv ConvTranspose MaxPool AveragePool GlobalAveragePool GlobalMaxPool
Relu LeakyRelu PRelu Sigmoid Tanh Clip HardSigmoid HardSwish Elu Selu Softplus Erf
Add Sub Mul Div Max Min Pow Sqrt Reciprocal Abs Neg Exp Log Sum Mean
BatchNormalization InstanceNormalization LayerNormalization GroupNormalization LRN
Concat Split Slice Pad Resize Upsample Softmax LogSoftmax Gemm MatMul Flatten Reshape
Transpose Squeeze Unsqueeze Shape Gather Constant ConstantOfShape Identity Dropout
Cast Expand Tile ReduceMean ReduceMax ReduceMin ReduceSum DepthToSpace SpaceToDepth
Equal Greater Less Where TopK ArgMax ArgMin""".split())

# Inputs (by index) that carry shape-like / attribute-like parameters.
PARAM_INPUTS = {
    "Reshape": {1: "shape"}, "Expand": {1: "shape"}, "Tile": {1: "repeats"},
    "Slice": {1: "starts", 2: "ends", 3: "axes", 4: "steps"},
    "Resize": {1: "roi", 2: "scales", 3: "sizes"}, "Upsample": {1: "scales"},
    "Pad": {1: "pads", 2: "constant_value", 3: "axes"},
    "Clip": {1: "min", 2: "max"}, "Split": {1: "split"},
    "Squeeze": {1: "axes"}, "Unsqueeze": {1: "axes"},
    "ConstantOfShape": {0: "shape"}, "Dropout": {1: "ratio", 2: "training_mode"},
    "ReduceSum": {1: "axes"}, "ReduceMean": {1: "axes"},
    "ReduceMax": {1: "axes"}, "ReduceMin": {1: "axes"}, "TopK": {1: "K"},
}


def dtype_name(t):
    return TensorProto.DataType.Name(t).lower()


def value_dtype(vi):
    tt = vi.type
    if tt.HasField("tensor_type"):
        return dtype_name(tt.tensor_type.elem_type)
    return tt.WhichOneof("value")  # sequence_type / optional_type / map_type


def walk_nodes(graph):
    """Yield all nodes, recursing into subgraph attributes."""
    for n in graph.node:
        yield n
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                yield from walk_nodes(a.g)
            elif a.type == onnx.AttributeProto.GRAPHS:
                for g in a.graphs:
                    yield from walk_nodes(g)


def analyse(path):
    m = onnx.load(os.path.join(path, "model.onnx"))
    g = m.graph
    ops = {(n.domain or "ai.onnx", n.op_type) for n in walk_nodes(g)}
    for f in m.functions:
        ops |= {(n.domain or "ai.onnx", n.op_type) for n in f.node}
    opset = next((o.version for o in m.opset_import if o.domain in ("", "ai.onnx")), 0)
    inits = {i.name for i in g.initializer}
    ginputs = [i.name for i in g.input if i.name not in inits]
    params = []
    for n in g.node:
        for idx, pname in PARAM_INPUTS.get(n.op_type, {}).items():
            if idx < len(n.input) and n.input[idx] in ginputs:
                params.append(f"{n.op_type}.{pname}")
    return dict(
        ops=ops, opset=opset,
        ins=[value_dtype(i) for i in g.input if i.name not in inits],
        outs=[value_dtype(o) for o in g.output], params=params,
        training=any(n.op_type == "Dropout" and len(n.input) > 2 and n.input[2]
                     for n in g.node),
        subgraph=any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS)
                     for n in g.node for a in n.attribute))


def main():
    gen = sys.argv[1]
    node_dir = os.path.join(gen, "node")
    names = sorted(d for d in os.listdir(node_dir) if d.startswith("test_"))
    sel = []
    for name in names:
        r = analyse(os.path.join(node_dir, name))
        if all(d == "ai.onnx" and op in OPS for d, op in r["ops"]):
            sel.append((name, r))
            print("\t".join([name, ",".join(sorted(op for _, op in r["ops"])),
                             ",".join(r["ins"]), ",".join(r["outs"]), str(r["opset"])]))
    if "--stats" not in sys.argv:
        return
    err = sys.stderr
    print(f"total node cases: {len(names)}, selected: {len(sel)}", file=err)
    per_op = collections.Counter(op for _, r in sel for _, op in r["ops"])
    print("cases per op:", ", ".join(f"{k}={v}" for k, v in sorted(per_op.items())), file=err)
    missing = OPS - set(per_op)
    print("ops with no case:", " ".join(sorted(missing)), file=err)
    dt = collections.Counter()
    for _, r in sel:
        for d in set(r["ins"] + r["outs"]):
            dt[d] += 1
    print("cases touching dtype:", ", ".join(f"{k}={v}" for k, v in dt.most_common()), file=err)
    p = [(n, r["params"]) for n, r in sel if r["params"]]
    print(f"cases with param inputs as graph inputs: {len(p)}/{len(sel)}", file=err)
    pk = collections.Counter(x for _, ps in p for x in set(ps))
    print("  by param:", ", ".join(f"{k}={v}" for k, v in sorted(pk.items())), file=err)
    print("dropout training_mode input:", " ".join(n for n, r in sel if r["training"]), file=err)
    print("subgraph cases selected:", sum(r["subgraph"] for _, r in sel), file=err)


if __name__ == "__main__":
    main()
