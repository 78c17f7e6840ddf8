#!/usr/bin/python3
"""Generate ONNX backend node test cases (model.onnx + test_data_set_*/*.pb).

Usage: /usr/bin/python3 gen_node_data.py OUT_DIR
  (must be Debian's python3 with python3-onnx 1.12; the pyenv python lacks onnx)

Layout produced: OUT_DIR/node/test_xxx/model.onnx
                 OUT_DIR/node/test_xxx/test_data_set_0/{input_N.pb,output_N.pb}
Idempotent: does nothing if OUT_DIR/.stamp is newer than this script.
"""
import argparse
import os
import sys
import warnings

import numpy as np

# python3-onnx 1.12 case generators use numpy aliases removed in numpy >= 1.24.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for _name, _val in (("float", float), ("int", int), ("bool", bool),
                        ("object", object), ("str", str), ("complex", complex),
                        ("long", int), ("unicode", str)):
        if not hasattr(np, _name):
            setattr(np, _name, _val)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = os.path.abspath(sys.argv[1])
    stamp = os.path.join(out, ".stamp")
    if (os.path.exists(stamp)
            and os.path.getmtime(stamp) >= os.path.getmtime(os.path.abspath(__file__))):
        return 0

    import onnx
    from onnx.backend.test import cmd_tools

    os.makedirs(out, exist_ok=True)
    # Same code path as `backend-test-tools generate-data -o OUT`; 'real' model
    # cases only write a small data.json (URL), no downloads happen.
    cmd_tools.generate_data(argparse.Namespace(output=out, op_type=None))

    node_dir = os.path.join(out, "node")
    n = len([d for d in os.listdir(node_dir) if d.startswith("test_")])
    with open(stamp, "w") as f:
        f.write(f"onnx {onnx.__version__} numpy {np.__version__} node_cases {n}\n")
    print(f"generated {n} node cases in {node_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
