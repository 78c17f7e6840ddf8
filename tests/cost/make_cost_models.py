#!/usr/bin/python3
"""Generate the cost model's calibration models (design §5): ONNX graphs shaped like the
networks behind the published figures, with random weights.

Usage:
    /usr/bin/python3 tests/cost/make_cost_models.py OUTDIR

  r34_conv1.onnx        ResNet-34 conv1 7x7/2 3->64 (+BN folded, ReLU) on 1x3x768x1280
  r34_maxpool.onnx      its max-pool 3x3/2 on 1x64x384x640
  r34_conv3x3.onnx      layer1 3x3 64->64 (+BN, ReLU) on 1x64x192x320
  r34_conv3x3_add.onnx  the same with the residual Add before the ReLU (second input)
  r34_conv3x3s2.onnx    layer2's first 3x3/2 64->128 (+BN, ReLU) on 1x64x192x320
  yolov5s.onnx          YOLOv5s v6 (width 0.5, depth 0.33) on batchx3x672x672, dynamic batch,
                        cut after the Detect convolutions (three outputs), as DLA samples run it

Uses Debian's python3-onnx and numpy and the zoo's graph builder (tests/zoo/make_zoo.py).
"""
import os
import sys

import numpy as np
import onnx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'zoo'))
from make_zoo import Builder, c3, yconv  # noqa: E402


def one_conv(name, shape, cin, cout, k, s, pool=False, residual=False):
    g = Builder(name, 13)
    x = g.input('input', shape)
    if pool:
        y = g.maxpool(x, 3, 2, 1)
    else:
        with g.mod('conv'):
            y = g.conv(x, cin, cout, k, s, fold_bn=True)
        if residual:
            r = g.input('identity', [shape[0], cout, shape[2] // s, shape[3] // s])
            y = g.op('Add', [y, r])
        y = g.relu(y)
    out = [shape[0], cout, (shape[2] + s - 1) // s, (shape[3] + s - 1) // s]
    g.output(y, 'output', out)
    return g


def yolov5s(size=672):
    g = Builder('yolov5s', 13)
    x = g.input('images', ['batch', 3, size, size])
    saved = {}

    def M(i):
        return g.mod(f'model.{i}')

    def up(t):
        return g.op('Resize', [t, '', g.const([1.0, 1.0, 2.0, 2.0], np.float32)],
                    coordinate_transformation_mode='asymmetric', cubic_coeff_a=-0.75,
                    mode='nearest', nearest_mode='floor')

    with M(0):
        y = yconv(g, x, 3, 32, 6, 2, 2)
    with M(1):
        y = yconv(g, y, 32, 64, 3, 2)
    with M(2):
        y = c3(g, y, 64, 64, 1)
    with M(3):
        y = yconv(g, y, 64, 128, 3, 2)
    with M(4):
        y = saved[4] = c3(g, y, 128, 128, 2)
    with M(5):
        y = yconv(g, y, 128, 256, 3, 2)
    with M(6):
        y = saved[6] = c3(g, y, 256, 256, 3)
    with M(7):
        y = yconv(g, y, 256, 512, 3, 2)
    with M(8):
        y = c3(g, y, 512, 512, 1)
    with M(9):  # SPPF
        with g.mod('cv1'):
            a = yconv(g, y, 512, 256)
        pools = [a]
        for i in range(3):
            with g.mod('m' if i == 0 else f'm_{i}'):
                pools.append(g.maxpool(pools[-1], 5, 1, 2))
        y = g.op('Concat', pools, axis=1)
        with g.mod('cv2'):
            y = yconv(g, y, 1024, 512)
    with M(10):
        y = saved[10] = yconv(g, y, 512, 256)
    with M(11):
        y = up(y)
    with M(12):
        y = g.op('Concat', [y, saved[6]], axis=1)
    with M(13):
        y = c3(g, y, 512, 256, 1, False)
    with M(14):
        y = saved[14] = yconv(g, y, 256, 128)
    with M(15):
        y = up(y)
    with M(16):
        y = g.op('Concat', [y, saved[4]], axis=1)
    with M(17):
        y = p3 = c3(g, y, 256, 128, 1, False)
    with M(18):
        y = yconv(g, y, 128, 128, 3, 2)
    with M(19):
        y = g.op('Concat', [y, saved[14]], axis=1)
    with M(20):
        y = p4 = c3(g, y, 256, 256, 1, False)
    with M(21):
        y = yconv(g, y, 256, 256, 3, 2)
    with M(22):
        y = g.op('Concat', [y, saved[10]], axis=1)
    with M(23):
        p5 = c3(g, y, 512, 512, 1, False)
    with M(24), g.mod('m'):
        for i, (feat, cin, stride) in enumerate([(p3, 128, 8), (p4, 256, 16), (p5, 512, 32)]):
            with g.mod(i):
                t = g.conv(feat, cin, 255, 1, p=0, bias=True, gain=1.0)
            g.output(t, f'output{i}', ['batch', 255, size // stride, size // stride])
    return g


MODELS = {
    'r34_conv1': lambda: one_conv('r34_conv1', [1, 3, 768, 1280], 3, 64, 7, 2),
    'r34_maxpool': lambda: one_conv('r34_maxpool', [1, 64, 384, 640], 64, 64, 3, 2, pool=True),
    'r34_conv3x3': lambda: one_conv('r34_conv3x3', [1, 64, 192, 320], 64, 64, 3, 1),
    'r34_conv3x3_add': lambda: one_conv('r34_conv3x3_add', [1, 64, 192, 320], 64, 64, 3, 1,
                                        residual=True),
    'r34_conv3x3s2': lambda: one_conv('r34_conv3x3s2', [1, 64, 192, 320], 64, 128, 3, 2),
    'yolov5s': yolov5s,
}


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, make in MODELS.items():
        m = make().model()
        onnx.checker.check_model(m, full_check=True)
        onnx.save(m, os.path.join(out, f'{name}.onnx'))
        print(f'wrote {out}/{name}.onnx: {len(m.graph.node)} nodes')
    return 0


if __name__ == '__main__':
    sys.exit(main())
