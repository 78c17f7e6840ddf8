#!/usr/bin/python3
"""A small trained classifier with real data: scikit-learn's bundled handwritten digits.

Usage:
    /usr/bin/python3 examples/digits/make_digits.py OUTDIR

Uses Debian's python3-sklearn (only for its bundled digits data set: 1797 8x8 grey images of
the digits 0-9, no download), python3-numpy and python3-onnx; no PyTorch. Deterministic (fixed
seeds and split), so every machine with the same numpy writes the same files.

The network, as PyTorch would export it (opset 13, a dynamic batch axis):
    conv1 3x3 1->16 + ReLU -> conv2 3x3/2 16->32 + ReLU -> Flatten -> fc 512->10
The two convolutions are fixed random filters; the fully connected layer is trained by ridge
regression (closed form) on their features of the 1297 training images. Its accuracy on the
500 held-out images is about 97%, so an accuracy gate on it measures something: wrong INT8
scales or a broken layer cost accuracy, which the random-weight ModelGN / ModelBN cannot show.

Files:
  digits.onnx        input 'input' [batch_size, 1, 8, 8] (pixel / 16, in [0, 1]),
                     output 'logits' [batch_size, 10]
  calib.npy          256 training images [256, 1, 8, 8] float32 (for calibration)
  eval.npy           the 500 held-out images [500, 1, 8, 8] float32
  eval_labels.npy    their digits [500] int64
  labels.txt         the class names, one per line ("0" ... "9")
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_digits

RIDGE = 3.0
HELD_OUT = 500


def conv(x, w, b, stride):
    """3x3 convolution with padding 1 (NCHW), as ONNX Conv computes it."""
    n, c, h, wd = x.shape
    k = w.shape[0]
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    oh, ow = (h - 1) // stride + 1, (wd - 1) // stride + 1
    cols = np.empty((n, c, 3, 3, oh, ow), np.float32)
    for i in range(3):
        for j in range(3):
            cols[:, :, i, j] = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
    y = np.einsum("ncijhw,kcij->nkhw", cols, w, optimize=True)
    return y + b[None, :, None, None]


def features(x, w1, b1, w2, b2):
    h = np.maximum(conv(x, w1, b1, 1), 0)
    h = np.maximum(conv(h, w2, b2, 2), 0)
    return h.reshape(len(x), -1)


def main(out):
    os.makedirs(out, exist_ok=True)
    digits = load_digits()
    x = (digits.images.astype(np.float32) / 16.0)[:, None]  # [1797, 1, 8, 8] in [0, 1]
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(0).permutation(len(x))
    train, test = order[HELD_OUT:], order[:HELD_OUT]

    rng = np.random.default_rng(1)
    w1 = (rng.normal(0, 1, (16, 1, 3, 3)) / 3.0).astype(np.float32)
    b1 = rng.normal(0, 0.1, 16).astype(np.float32)
    w2 = (rng.normal(0, 1, (32, 16, 3, 3)) / 12.0).astype(np.float32)
    b2 = rng.normal(0, 0.1, 32).astype(np.float32)

    f = features(x[train], w1, b1, w2, b2).astype(np.float64)
    mean = f.mean(0)
    onehot = np.eye(10)[y[train]] * 2 - 1
    a = f - mean
    wfc = np.linalg.solve(a.T @ a + RIDGE * np.eye(a.shape[1]), a.T @ onehot).T  # [10, 512]
    bfc = -wfc @ mean
    wfc, bfc = wfc.astype(np.float32), bfc.astype(np.float32)

    logits = features(x[test], w1, b1, w2, b2) @ wfc.T + bfc
    accuracy = float((logits.argmax(1) == y[test]).mean())
    if accuracy < 0.93:
        sys.exit(f"make_digits: held-out accuracy {accuracy:.3f} is too low")

    nodes = [
        helper.make_node("Conv", ["input", "conv1.weight", "conv1.bias"], ["/conv1/Conv_output_0"],
                         name="/conv1/Conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["/conv1/Conv_output_0"], ["/relu1/Relu_output_0"],
                         name="/relu1/Relu"),
        helper.make_node("Conv", ["/relu1/Relu_output_0", "conv2.weight", "conv2.bias"],
                         ["/conv2/Conv_output_0"], name="/conv2/Conv", kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("Relu", ["/conv2/Conv_output_0"], ["/relu2/Relu_output_0"],
                         name="/relu2/Relu"),
        helper.make_node("Flatten", ["/relu2/Relu_output_0"], ["/Flatten_output_0"],
                         name="/Flatten", axis=1),
        helper.make_node("Gemm", ["/Flatten_output_0", "fc.weight", "fc.bias"], ["logits"],
                         name="/fc/Gemm", transB=1),
    ]
    inits = [numpy_helper.from_array(v, n) for n, v in
             [("conv1.weight", w1), ("conv1.bias", b1), ("conv2.weight", w2),
              ("conv2.bias", b2), ("fc.weight", wfc), ("fc.bias", bfc)]]
    graph = helper.make_graph(
        nodes, "digits",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch_size", 1, 8, 8])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", 10])], inits)
    model = helper.make_model(graph, producer_name="pytorch", producer_version="1.13.1",
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, "digits.onnx"))
    np.save(os.path.join(out, "calib.npy"), x[train[:256]])
    np.save(os.path.join(out, "eval.npy"), x[test])
    np.save(os.path.join(out, "eval_labels.npy"), y[test])
    with open(os.path.join(out, "labels.txt"), "w") as fh:
        fh.write("".join(f"{d}\n" for d in range(10)))
    print(f"make_digits: {out}/digits.onnx, held-out accuracy {accuracy:.3f} (FP32)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
