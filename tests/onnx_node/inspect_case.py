#!/usr/bin/python3
"""Print a node test case: graph nodes, inputs/outputs with dtypes and shapes.

Usage: /usr/bin/python3 inspect_case.py CASE_DIR [-v]   (-v also prints values)
"""
import glob
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper, TensorProto


def load_pb(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return t


def describe(vi):
    tt = vi.type
    if not tt.HasField("tensor_type"):
        return tt.WhichOneof("value")
    dims = [d.dim_value if d.HasField("dim_value") else (d.dim_param or "?")
            for d in tt.tensor_type.shape.dim]
    return f"{TensorProto.DataType.Name(tt.tensor_type.elem_type).lower()}{dims}"


def main():
    case = sys.argv[1].rstrip("/")
    verbose = "-v" in sys.argv[2:]
    m = onnx.load(os.path.join(case, "model.onnx"))
    g = m.graph
    print(f"{os.path.basename(case)}: opset "
          + ", ".join(f"{o.domain or 'ai.onnx'}={o.version}" for o in m.opset_import))
    for n in g.node:
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in attrs.items()
                 if not isinstance(v, (onnx.GraphProto, onnx.TensorProto))}
        print(f"  node {n.op_type}({', '.join(n.input)}) -> ({', '.join(n.output)}) {attrs}")
    for ds in sorted(glob.glob(os.path.join(case, "test_data_set_*"))):
        print(f" {os.path.basename(ds)}:")
        for kind, vis in (("input", g.input), ("output", g.output)):
            for i, vi in enumerate(vis):
                p = os.path.join(ds, f"{kind}_{i}.pb")
                line = f"  {kind}_{i} {vi.name}: model {describe(vi)}"
                if os.path.exists(p) and vi.type.HasField("tensor_type"):
                    a = numpy_helper.to_array(load_pb(p))
                    line += f", data {a.dtype}{list(a.shape)}"
                    if verbose or a.size <= 8:
                        line += " = " + np.array2string(a.ravel(), threshold=64, precision=6)
                print(line)


if __name__ == "__main__":
    main()
