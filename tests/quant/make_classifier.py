#!/usr/bin/python3
"""Generate the quantisation tests' classifier, its data, and a Q/DQ version of it.

Usage:
    /usr/bin/python3 tests/quant/make_classifier.py OUTDIR

Uses Debian's python3-onnx and numpy only (no PyTorch). Everything is deterministic (fixed
numpy seeds), so the files are the same on every machine with the same numpy.

The task: 10 classes of 3x32x32 images, each a noisy Gabor grating whose orientation is the
class (class c at c*18 degrees, jittered), with random frequency, phase, position, size and
colour gains, plus Gaussian noise, so that the FP32 classifier is right about 98% of the time
(not 100%: quantisation can move the score).

The classifier: a fixed Gabor bank (conv1, 8 orientations x 2 phases, as the first layer of a
CNN learns), a batch norm, max pooling, a random 3x3 convolution, a residual block of two
random 3x3 convolutions, max pooling, global average pooling and a fully connected layer.
Only the fully connected layer is trained: ridge regression (closed form, strongly
regularised) on the pooled features of 1500 training images. That keeps generation to seconds and the model a real
trained classifier whose accuracy depends on every layer's numerics.

Files:
  classifier.onnx      FP32 model, input 'input' [batch_size, 3, 32, 32], output 'output'
                       [batch_size, 10] (PyTorch 1.13 export style names)
  classifier_qdq.onnx  the same network with QuantizeLinear/DequantizeLinear pairs as NVIDIA's
                       and PyTorch's QAT tools export them: per-tensor activation scales
                       (max|x|/127 over the calibration images), per-channel weight scales on
                       axis 0; conv1's weights as float -> Q -> DQ (pytorch-quantization
                       style), the others as int8 initializers -> DQ (ONNX Runtime / ModelOpt
                       style)
  calib.npy            500 calibration images [500, 3, 32, 32] float32
  test_x.npy           1000 test images, test_y.npy their labels (int64)
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

H = W = 32
CLASSES = 10
NOISE = 0.8
RIDGE = 30.0  # strong: a readout that does not amplify small feature errors


def make_images(n, rng):
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    labels = rng.integers(0, CLASSES, n)
    theta = labels * np.pi / CLASSES + rng.normal(0, 0.04, n)
    freq = rng.uniform(0.12, 0.22, n)
    phase = rng.uniform(0, 2 * np.pi, n)
    cx, cy = rng.uniform(10, 22, n), rng.uniform(10, 22, n)
    sig = rng.uniform(6, 10, n)
    gains = rng.uniform(0.4, 1.2, (n, 3))
    x = np.empty((n, 3, H, W), np.float32)
    for i in range(n):
        u = (xx - cx[i]) * np.cos(theta[i]) + (yy - cy[i]) * np.sin(theta[i])
        env = np.exp(-((xx - cx[i]) ** 2 + (yy - cy[i]) ** 2) / (2 * sig[i] ** 2))
        x[i] = gains[i][:, None, None] * (np.cos(2 * np.pi * freq[i] * u + phase[i]) * env)[None]
    x += rng.normal(0, NOISE, x.shape).astype(np.float32)
    return x, labels.astype(np.int64)


# ---- the network's weights

def gabor_bank():
    k = 7
    r = np.arange(k) - k // 2
    yy, xx = np.meshgrid(r, r, indexing='ij')
    w = np.zeros((16, 3, k, k), np.float32)
    for o in range(8):
        th = o * np.pi / 8
        u = xx * np.cos(th) + yy * np.sin(th)
        env = np.exp(-(xx ** 2 + yy ** 2) / (2 * 2.0 ** 2))
        for p in range(2):
            g = np.cos(2 * np.pi * 0.17 * u + p * np.pi / 2) * env
            w[2 * o + p] = (g - g.mean())[None] / 3
    return w


def weights():
    r = np.random.default_rng(5)
    p = {'conv1.w': gabor_bank(), 'conv1.b': np.zeros(16, np.float32)}
    # A batch norm that is not the identity, so that its folding into conv1 is exercised.
    p['bn1.gamma'] = r.uniform(0.8, 1.2, 16).astype(np.float32)
    p['bn1.beta'] = r.normal(0, 0.05, 16).astype(np.float32)
    p['bn1.mean'] = r.normal(0, 0.05, 16).astype(np.float32)
    p['bn1.var'] = r.uniform(0.8, 1.2, 16).astype(np.float32)
    p['conv2.w'] = (r.normal(0, 1, (32, 16, 3, 3)) / np.sqrt(16 * 9)).astype(np.float32)
    p['conv2.b'] = r.normal(0, 0.05, 32).astype(np.float32)
    for name in ('block.conv1', 'block.conv2'):
        p[name + '.w'] = (r.normal(0, 1, (32, 32, 3, 3)) / np.sqrt(32 * 9) * 0.5).astype(np.float32)
        p[name + '.b'] = np.zeros(32, np.float32)
    return p


# ---- a numpy forward pass (FP32), for training the readout and measuring ranges

def conv(x, w, b, pad):
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    kh, kw = w.shape[2:]
    win = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))
    out = np.tensordot(win, w, axes=([1, 4, 5], [1, 2, 3]))  # n, oh, ow, k
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2)) + b[None, :, None, None]


def relu(x):
    return np.maximum(x, 0)


def maxpool2(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


def batchnorm(x, p, eps=1e-5):
    s = p['bn1.gamma'] / np.sqrt(p['bn1.var'] + eps)
    return x * s[None, :, None, None] + (p['bn1.beta'] - p['bn1.mean'] * s)[None, :, None, None]


def forward(x, p):
    """Returns every activation the Q/DQ model quantises, and the pooled features."""
    a = {'input': x}
    y = relu(batchnorm(conv(x, p['conv1.w'], p['conv1.b'], 3), p))
    y = maxpool2(y)
    a['pool1'] = y
    y = relu(conv(y, p['conv2.w'], p['conv2.b'], 1))
    a['y'] = y
    z = relu(conv(y, p['block.conv1.w'], p['block.conv1.b'], 1))
    a['z1'] = z
    z = conv(z, p['block.conv2.w'], p['block.conv2.b'], 1)
    a['z2'] = z
    y = relu(y + z)
    a['block'] = y
    f = maxpool2(y).mean(axis=(2, 3))
    a['features'] = f
    return a


def batched(fn, x, n=250):
    outs = [fn(x[i:i + n]) for i in range(0, len(x), n)]
    return {k: np.concatenate([o[k] for o in outs]) for k in outs[0]}


def train_readout(features, labels, ridge=1.0):
    mu, sd = features.mean(0), features.std(0) + 1e-6
    a = np.concatenate([(features - mu) / sd, np.ones((len(features), 1))], 1)
    t = np.eye(CLASSES)[labels] * 2 - 1
    wt = np.linalg.solve(a.T @ a + ridge * np.eye(a.shape[1]), a.T @ t)
    # Fold the standardisation into the layer: logits = f @ (W / sd) + (b - (mu / sd) @ W).
    w = wt[:-1] / sd[:, None]
    b = wt[-1] - (mu / sd) @ wt[:-1]
    return w.T.astype(np.float32), b.astype(np.float32)  # Gemm with transB=1: [10, 32]


# ---- ONNX export

class Graph:
    def __init__(self):
        self.nodes, self.inits = [], []

    def init(self, name, arr):
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def node(self, op, name, inputs, **attrs):
        out = name + '_output_0'
        self.nodes.append(helper.make_node(op, inputs, [out], name=name, **attrs))
        return out


def quantize_pair(g, x, scale, name):
    """QuantizeLinear + DequantizeLinear on an activation (per-tensor, int8 zero point)."""
    s = g.init(name + '.scale', np.array(scale, np.float32))
    zp = g.init(name + '.zero_point', np.array(0, np.int8))
    q = g.node('QuantizeLinear', f'/{name}/QuantizeLinear', [x, s, zp])
    return g.node('DequantizeLinear', f'/{name}/DequantizeLinear', [q, s, zp])


def channel_scales(w):
    amax = np.abs(w.reshape(w.shape[0], -1)).max(1)
    return np.where(amax > 0, amax / 127, 1.0).astype(np.float32)


def quantized_weights(g, w, name, style):
    s = channel_scales(w)
    sn = g.init(name + '.weight_scale', s)
    zn = g.init(name + '.weight_zero_point', np.zeros(len(s), np.int8))
    if style == 'float':  # pytorch-quantization: float initializer -> Q -> DQ
        wn = g.init(name + '.weight', w)
        q = g.node('QuantizeLinear', f'/{name}/weight_quantizer/QuantizeLinear', [wn, sn, zn],
                   axis=0)
    else:  # int8 initializer -> DQ
        shape = (-1,) + (1,) * (w.ndim - 1)
        qi = np.clip(np.round(w / s.reshape(shape)), -127, 127).astype(np.int8)
        q = g.init(name + '.weight_int8', qi)
    return g.node('DequantizeLinear', f'/{name}/weight_quantizer/DequantizeLinear', [q, sn, zn],
                  axis=0)


def export(p, fc_w, fc_b, scales=None):
    g = Graph()
    qdq = scales is not None

    def act(x, key):
        return quantize_pair(g, x, scales[key], key + '_quantizer') if qdq else x

    def weight(w, name, style='int8'):
        return quantized_weights(g, w, name, style) if qdq else g.init(name + '.weight', w)

    x = act('input', 'input')
    y = g.node('Conv', '/conv1/Conv', [x, weight(p['conv1.w'], 'conv1', 'float'),
                                        g.init('conv1.bias', p['conv1.b'])],
               kernel_shape=[7, 7], pads=[3, 3, 3, 3], strides=[1, 1])
    y = g.node('BatchNormalization', '/bn1/BatchNormalization',
               [y] + [g.init('bn1.' + k, p['bn1.' + k]) for k in ('gamma', 'beta', 'mean', 'var')],
               epsilon=1e-5)
    y = g.node('Relu', '/relu/Relu', [y])
    y = g.node('MaxPool', '/maxpool/MaxPool', [y], kernel_shape=[2, 2], strides=[2, 2])
    y = act(y, 'pool1')
    y = g.node('Conv', '/conv2/Conv', [y, weight(p['conv2.w'], 'conv2'), g.init('conv2.bias', p['conv2.b'])],
               kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    y = g.node('Relu', '/relu2/Relu', [y])
    y = act(y, 'y')
    z = g.node('Conv', '/block/conv1/Conv', [y, weight(p['block.conv1.w'], 'block.conv1'),
                                              g.init('block.conv1.bias', p['block.conv1.b'])],
               kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    z = g.node('Relu', '/block/relu/Relu', [z])
    z = act(z, 'z1')
    z = g.node('Conv', '/block/conv2/Conv', [z, weight(p['block.conv2.w'], 'block.conv2'),
                                              g.init('block.conv2.bias', p['block.conv2.b'])],
               kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    z = act(z, 'z2')
    y = g.node('Add', '/block/Add', [z, y])
    y = g.node('Relu', '/block/relu_1/Relu', [y])
    y = act(y, 'block')
    y = g.node('MaxPool', '/maxpool2/MaxPool', [y], kernel_shape=[2, 2], strides=[2, 2])
    y = g.node('GlobalAveragePool', '/avgpool/GlobalAveragePool', [y])
    y = g.node('Flatten', '/Flatten', [y], axis=1)
    y = act(y, 'features')
    y = g.node('Gemm', '/fc/Gemm', [y, weight(fc_w, 'fc'), g.init('fc.bias', fc_b)],
               alpha=1.0, beta=1.0, transB=1)
    g.nodes[-1].output[0] = 'output'
    graph = helper.make_graph(
        g.nodes, 'classifier_qdq' if qdq else 'classifier',
        [helper.make_tensor_value_info('input', TensorProto.FLOAT, ['batch_size', 3, H, W])],
        [helper.make_tensor_value_info('output', TensorProto.FLOAT, ['batch_size', CLASSES])],
        g.inits)
    m = helper.make_model(graph, producer_name='pytorch', producer_version='1.13.1',
                          opset_imports=[helper.make_opsetid('', 13)])
    m.ir_version = 7
    onnx.checker.check_model(m, full_check=True)
    return m


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(2024)
    train_x, train_y = make_images(1500, rng)
    calib_x, _ = make_images(500, rng)
    test_x, test_y = make_images(1000, rng)
    p = weights()
    feats = batched(lambda x: {'f': forward(x, p)['features']}, train_x)['f']
    fc_w, fc_b = train_readout(feats, train_y, RIDGE)
    acts = batched(lambda x: forward(x, p), calib_x[:200])
    scales = {k: float(np.abs(v).max() / 127) for k, v in acts.items()}
    onnx.save(export(p, fc_w, fc_b), os.path.join(out, 'classifier.onnx'))
    onnx.save(export(p, fc_w, fc_b, scales), os.path.join(out, 'classifier_qdq.onnx'))
    np.save(os.path.join(out, 'calib.npy'), calib_x)
    np.save(os.path.join(out, 'test_x.npy'), test_x)
    np.save(os.path.join(out, 'test_y.npy'), test_y)
    test_f = batched(lambda x: {'f': forward(x, p)['features']}, test_x)['f']
    acc = float(((test_f @ fc_w.T + fc_b).argmax(1) == test_y).mean())
    print(f'classifier: FP32 test accuracy {acc:.3f} (numpy)')


if __name__ == '__main__':
    main()
