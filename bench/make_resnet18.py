#!/usr/bin/python3
"""Writes torchvision's ResNet-18 (3x224x224, 1000 classes, BN folded into the convolutions as
an eval-mode export does) for the calibration benchmark: the zoo's resnet18 is a reduced one.

Usage: /usr/bin/python3 bench/make_resnet18.py OUT.onnx

Reuses the zoo's torch-style graph builder (tests/zoo/make_zoo.py); weights are deterministic.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'zoo'))
import onnx  # noqa: E402
from make_zoo import Builder, flatten, resnet18_stages  # noqa: E402


def resnet18_224():
    g = Builder('resnet18_224', 13)
    x = g.input('input', ['batch_size', 3, 224, 224])
    with g.mod('conv1'):
        y = g.conv(x, 3, 64, 7, 2, 3, fold_bn=True)
    with g.mod('relu'):
        y = g.relu(y)
    with g.mod('maxpool'):
        y = g.maxpool(y, 3, 2, 1)
    y, cin = resnet18_stages(g, y, 64, [64, 128, 256, 512], fold=True)
    with g.mod('avgpool'):
        y = g.op('GlobalAveragePool', [y])
    y = flatten(g, y)
    with g.mod('fc'):
        y = g.gemm(y, cin, 1000)
    g.output(y, 'output', ['batch_size', 1000])
    return g


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    m = resnet18_224().model()
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, sys.argv[1])
