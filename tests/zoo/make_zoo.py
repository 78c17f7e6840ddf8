#!/usr/bin/python3
"""Generate dlasim's CNN model zoo: ONNX graphs shaped like PyTorch 1.13 exports.

Usage:
    /usr/bin/python3 tests/zoo/make_zoo.py OUTDIR [--only NAME[,NAME...]] [--models-txt PATH] [--list]

Uses Debian's python3-onnx (onnx.helper) and numpy only; no PyTorch. Weights are
deterministic (numpy default_rng seeded from the model name) and fan-in scaled so
activations stay O(1). All models except resnet50 are reduced in width/resolution;
resnet50 is the full ResNet-50 at 1x3x224x224 (BN folded into Conv, as torch's
eval-mode export does) for benchmarks.

Node names follow torch 1.13's scheme (e.g. /layer1/layer1.0/conv1/Conv, outputs
<node>_output_0; folded-BN weights as onnx::Conv_N). Every model is checked with
onnx.checker.check_model(m, full_check=True) before it is written.
"""
import argparse
import contextlib
import math
import os
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

INT64_MAX = 9223372036854775807
SQRT2 = math.sqrt(2.0)


def make_divisible(v, divisor=8, min_value=None):
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


class Builder:
    """Tiny graph builder that mimics torch.onnx's naming scheme."""

    def __init__(self, name, opset=13):
        self.name = name
        self.opset = opset
        self.rng = np.random.default_rng(zlib.crc32(name.encode()))
        self.nodes = []
        self.inits = []
        self.init_names = set()
        self.scope = []          # stack of (display name, qualified module name)
        self.op_count = {}
        self.anon_id = 100
        self.inputs = []
        self.outputs = []

    # ---- scoping / naming
    @contextlib.contextmanager
    def mod(self, local):
        local = str(local)
        pdisp, pqual = self.scope[-1] if self.scope else ('', '')
        qual = f'{pqual}.{local}' if pqual else local
        disp = f'{pdisp}.{local}' if (local.isdigit() and pdisp) else local
        self.scope.append((disp, qual))
        try:
            yield
        finally:
            self.scope.pop()

    def path(self):
        return '/' + ''.join(d + '/' for d, _ in self.scope)

    def qual(self, pname):
        q = self.scope[-1][1] if self.scope else ''
        return f'{q}.{pname}' if q else pname

    # ---- graph pieces
    def _add_init(self, name, arr):
        assert name not in self.init_names, name
        self.init_names.add(name)
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def param(self, pname, arr):
        return self._add_init(self.qual(pname), arr)

    def anon(self, kind, arr):
        name = f'onnx::{kind}_{self.anon_id}'
        self.anon_id += 1
        return self._add_init(name, arr)

    def op(self, op_type, inputs, nout=1, **attrs):
        p = self.path()
        key = (p, op_type)
        n = self.op_count.get(key, 0)
        self.op_count[key] = n + 1
        nm = p + op_type + (f'_{n}' if n else '')
        outs = [f'{nm}_output_{i}' for i in range(nout)]
        attrs = {k: v for k, v in attrs.items() if v is not None}
        self.nodes.append(helper.make_node(op_type, list(inputs), outs, name=nm, **attrs))
        return outs[0] if nout == 1 else outs

    def const(self, value, dtype=np.int64):
        arr = np.array(value, dtype=dtype)
        return self.op('Constant', [], value=numpy_helper.from_array(arr))

    def input(self, name, shape):
        self.inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, shape))
        return name

    def output(self, tensor, name, shape):
        for node in self.nodes:
            for i, o in enumerate(node.output):
                if o == tensor:
                    node.output[i] = name
            for i, o in enumerate(node.input):
                if o == tensor:
                    node.input[i] = name
        self.outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, shape))

    def model(self):
        graph = helper.make_graph(self.nodes, 'torch_jit', self.inputs, self.outputs, self.inits)
        m = helper.make_model(graph, producer_name='pytorch', producer_version='1.13.1',
                              opset_imports=[helper.make_opsetid('', self.opset)])
        m.ir_version = 8
        return m

    # ---- random weights
    def randn(self, *shape, std=1.0):
        return (self.rng.standard_normal(shape, dtype=np.float32) * np.float32(std)).astype(np.float32)

    def uniform(self, lo, hi, *shape):
        return self.rng.uniform(lo, hi, shape).astype(np.float32)

    def bn_stats(self, c, gamma=1.0):
        g = self.uniform(0.8, 1.2, c) * np.float32(gamma)
        b = self.randn(c, std=0.1)
        mean = self.randn(c, std=0.1)
        var = self.uniform(0.7, 1.3, c)
        return g, b, mean, var

    # ---- layers (called inside the module's scope)
    def conv(self, x, cin, cout, k, s=1, p=None, d=1, groups=1, bias=False, fold_bn=False,
             gain=SQRT2, bn_gamma=1.0, eps=1e-5):
        kh, kw = (k, k) if isinstance(k, int) else k
        if p is None:
            p = (d * (kh - 1) // 2, d * (kw - 1) // 2)
        ph, pw = (p, p) if isinstance(p, int) else p
        fan_in = (cin // groups) * kh * kw
        w = self.randn(cout, cin // groups, kh, kw, std=gain / math.sqrt(fan_in))
        if fold_bn:
            g, b, mean, var = self.bn_stats(cout, bn_gamma)
            scale = g / np.sqrt(var + eps)
            wn = self.anon('Conv', (w * scale[:, None, None, None]).astype(np.float32))
            bn = self.anon('Conv', (b - mean * scale).astype(np.float32))
            ins = [x, wn, bn]
        else:
            ins = [x, self.param('weight', w)]
            if bias:
                ins.append(self.param('bias', self.randn(cout, std=0.05)))
        return self.op('Conv', ins, dilations=[d, d], group=groups, kernel_shape=[kh, kw],
                       pads=[ph, pw, ph, pw], strides=[s, s])

    def bn(self, x, c, gamma=1.0, eps=1e-5):
        g, b, mean, var = self.bn_stats(c, gamma)
        return self.op('BatchNormalization',
                       [x, self.param('weight', g), self.param('bias', b),
                        self.param('running_mean', mean), self.param('running_var', var)],
                       epsilon=eps, momentum=0.9)

    def relu(self, x):
        return self.op('Relu', [x])

    def relu6(self, x):
        lo = self.const(0.0, np.float32)
        hi = self.const(6.0, np.float32)
        return self.op('Clip', [x, lo, hi])

    def silu(self, x):
        return self.op('Mul', [x, self.op('Sigmoid', [x])])

    def maxpool(self, x, k, s, p=0, ceil=0):
        return self.op('MaxPool', [x], ceil_mode=ceil, kernel_shape=[k, k], pads=[p] * 4, strides=[s, s])

    def gemm(self, x, cin, cout):
        w = self.param('weight', self.randn(cout, cin, std=1.0 / math.sqrt(cin)))
        b = self.param('bias', self.randn(cout, std=0.05))
        return self.op('Gemm', [x, w, b], alpha=1.0, beta=1.0, transB=1)

    def linear_matmul(self, x, cin, cout, gain=1.0):
        """nn.Linear applied to a >2-D tensor: MatMul(x, W^T) then Add(bias, .)."""
        w = self.anon('MatMul', self.randn(cin, cout, std=gain / math.sqrt(cin)))
        y = self.op('MatMul', [x, w])
        return self.op('Add', [self.param('bias', self.randn(cout, std=0.05)), y])


# ---------------------------------------------------------------- shared patterns

def view_batch(g, x):
    """x.view(x.size(0), -1) as torch 1.13 exports it with a dynamic batch."""
    shp = g.op('Shape', [x])
    gat = g.op('Gather', [shp, g.const(0)], axis=0)
    uns = g.op('Unsqueeze', [gat, g.const([0])])
    cat = g.op('Concat', [uns, g.const([-1])], axis=0)
    return g.op('Reshape', [x, cat])


def flatten(g, x):
    return g.op('Flatten', [x], axis=1)


def gelu_erf(g, x):
    d = g.op('Div', [x, g.const(1.4142135381698608, np.float32)])
    e = g.op('Erf', [d])
    a = g.op('Add', [e, g.const(1.0, np.float32)])
    m = g.op('Mul', [x, a])
    return g.op('Mul', [m, g.const(0.5, np.float32)])


def layer_norm(g, x, c, eps=1e-6, decomposed=False):
    w = g.param('weight', g.uniform(0.8, 1.2, c))
    b = g.param('bias', g.randn(c, std=0.05))
    if not decomposed:
        return g.op('LayerNormalization', [x, w, b], axis=-1, epsilon=eps)
    mean = g.op('ReduceMean', [x], axes=[-1], keepdims=1)
    sub = g.op('Sub', [x, mean])
    pw = g.op('Pow', [sub, g.const(2.0, np.float32)])
    var = g.op('ReduceMean', [pw], axes=[-1], keepdims=1)
    add = g.op('Add', [var, g.const(eps, np.float32)])
    sq = g.op('Sqrt', [add])
    div = g.op('Div', [sub, sq])
    mul = g.op('Mul', [div, w])
    return g.op('Add', [mul, b])


def layer_norm_2d(g, x, c, decomposed):
    """torchvision LayerNorm2d: permute to NHWC, layer_norm over C, permute back."""
    t = g.op('Transpose', [x], perm=[0, 2, 3, 1])
    y = layer_norm(g, t, c, decomposed=decomposed)
    return g.op('Transpose', [y], perm=[0, 3, 1, 2])


# ---------------------------------------------------------------- models

def resnet_basic_block(g, x, cin, cout, stride, fold):
    with g.mod('conv1'):
        y = g.conv(x, cin, cout, 3, stride, fold_bn=fold)
    if not fold:
        with g.mod('bn1'):
            y = g.bn(y, cout)
    with g.mod('relu'):
        y = g.relu(y)
    with g.mod('conv2'):
        y = g.conv(y, cout, cout, 3, 1, fold_bn=fold, bn_gamma=0.4)
    if not fold:
        with g.mod('bn2'):
            y = g.bn(y, cout, gamma=0.4)
    idt = x
    if stride != 1 or cin != cout:
        with g.mod('downsample'):
            with g.mod(0):
                idt = g.conv(x, cin, cout, 1, stride, p=0, fold_bn=fold, gain=1.0)
            if not fold:
                with g.mod(1):
                    idt = g.bn(idt, cout)
    y = g.op('Add', [y, idt])
    with g.mod('relu_1'):
        return g.relu(y)


def resnet_bottleneck(g, x, cin, width, stride, dilation=1, first_dilation=None, fold=True):
    cout = width * 4
    d2 = first_dilation if first_dilation is not None else dilation
    with g.mod('conv1'):
        y = g.conv(x, cin, width, 1, 1, p=0, fold_bn=fold)
    with g.mod('relu'):
        y = g.relu(y)
    with g.mod('conv2'):
        y = g.conv(y, width, width, 3, stride, d=d2, fold_bn=fold)
    with g.mod('relu_1'):
        y = g.relu(y)
    with g.mod('conv3'):
        y = g.conv(y, width, cout, 1, 1, p=0, fold_bn=fold, bn_gamma=0.4)
    idt = x
    if stride != 1 or cin != cout:
        with g.mod('downsample'):
            with g.mod(0):
                idt = g.conv(x, cin, cout, 1, stride, p=0, fold_bn=fold, gain=1.0)
    y = g.op('Add', [y, idt])
    with g.mod('relu_2'):
        return g.relu(y)


def resnet18_stages(g, y, cin, widths, fold):
    """ResNet-18's layer1..layer4: two basic blocks each, the first of layer2-4 with stride 2."""
    for li, w in enumerate(widths):
        with g.mod(f'layer{li + 1}'):
            for bi in range(2):
                with g.mod(bi):
                    y = resnet_basic_block(g, y, cin, w, 2 if (bi == 0 and li > 0) else 1, fold=fold)
                cin = w
    return y, cin


def m_resnet18():
    g = Builder('resnet18', 13)
    x = g.input('input', ['batch_size', 3, 64, 64])
    with g.mod('conv1'):
        y = g.conv(x, 3, 16, 7, 2, 3)
    with g.mod('bn1'):
        y = g.bn(y, 16)
    with g.mod('relu'):
        y = g.relu(y)
    with g.mod('maxpool'):
        y = g.maxpool(y, 3, 2, 1)
    y, cin = resnet18_stages(g, y, 16, [16, 32, 64, 128], fold=False)
    with g.mod('avgpool'):
        y = g.op('GlobalAveragePool', [y])
    y = view_batch(g, y)
    with g.mod('fc'):
        y = g.gemm(y, cin, 100)
    g.output(y, 'output', ['batch_size', 100])
    return g


def m_resnet50():
    g = Builder('resnet50', 13)
    x = g.input('input', ['batch_size', 3, 224, 224])
    with g.mod('conv1'):
        y = g.conv(x, 3, 64, 7, 2, 3, fold_bn=True)
    with g.mod('relu'):
        y = g.relu(y)
    with g.mod('maxpool'):
        y = g.maxpool(y, 3, 2, 1)
    cin = 64
    for li, (w, n) in enumerate(zip([64, 128, 256, 512], [3, 4, 6, 3])):
        with g.mod(f'layer{li + 1}'):
            for bi in range(n):
                with g.mod(bi):
                    y = resnet_bottleneck(g, y, cin, w, 2 if (bi == 0 and li > 0) else 1)
                cin = w * 4
    with g.mod('avgpool'):
        y = g.op('GlobalAveragePool', [y])
    y = flatten(g, y)
    with g.mod('fc'):
        y = g.gemm(y, 2048, 1000)
    g.output(y, 'output', ['batch_size', 1000])
    return g


def cna(g, x, cin, cout, k, s=1, groups=1, act='relu6', d=1, gain=None):
    """torchvision Conv2dNormActivation with BN folded: <i>.0 Conv, <i>.2 activation."""
    with g.mod(0):
        y = g.conv(x, cin, cout, k, s, d=d, groups=groups, fold_bn=True,
                   gain=gain if gain is not None else (SQRT2 if act else 1.0))
    if act:
        with g.mod(2):
            if act == 'relu6':
                y = g.relu6(y)
            elif act == 'relu':
                y = g.relu(y)
            elif act == 'hswish':
                y = g.op('HardSwish', [y])
            elif act == 'silu':
                y = g.silu(y)
            else:
                raise ValueError(act)
    return y


def m_mobilenetv2():
    g = Builder('mobilenetv2', 13)
    x = g.input('input', [1, 3, 96, 96])
    wm = 0.5
    cin = make_divisible(32 * wm)
    with g.mod('features'):
        with g.mod(0):
            y = cna(g, x, 3, cin, 3, 2)
        idx = 1
        for t, c, n, s in [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2],
                           [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]:
            cout = make_divisible(c * wm)
            for i in range(n):
                stride = s if i == 0 else 1
                hidden = cin * t
                with g.mod(idx), g.mod('conv'):
                    li = 0
                    z = y
                    if t != 1:
                        with g.mod(li):
                            z = cna(g, z, cin, hidden, 1)
                        li += 1
                    with g.mod(li):
                        z = cna(g, z, hidden, hidden, 3, stride, groups=hidden)
                    with g.mod(li + 1):
                        z = g.conv(z, hidden, cout, 1, p=0, fold_bn=True, gain=1.0,
                                   bn_gamma=0.5 if (stride == 1 and cin == cout) else 1.0)
                if stride == 1 and cin == cout:
                    with g.mod(idx):
                        z = g.op('Add', [y, z])
                y = z
                cin = cout
                idx += 1
        last = 640
        with g.mod(idx):
            y = cna(g, y, cin, last, 1)
    y = g.op('GlobalAveragePool', [y])
    y = flatten(g, y)
    with g.mod('classifier'), g.mod(1):
        y = g.gemm(y, last, 100)
    g.output(y, 'output', [1, 100])
    return g


def squeeze_excite(g, x, c, csq, act='relu', gate='hsigmoid'):
    with g.mod('avgpool'):
        s = g.op('GlobalAveragePool', [x])
    with g.mod('fc1'):
        s = g.conv(s, c, csq, 1, p=0, bias=True)
    with g.mod('activation'):
        s = g.relu(s) if act == 'relu' else g.silu(s)
    with g.mod('fc2'):
        s = g.conv(s, csq, c, 1, p=0, bias=True, gain=1.0)
    with g.mod('scale_activation'):
        if gate == 'hsigmoid':
            s = g.op('HardSigmoid', [s], alpha=0.1666666716337204, beta=0.5)
        else:
            s = g.op('Sigmoid', [s])
    return g.op('Mul', [s, x])


def m_mobilenetv3():
    g = Builder('mobilenetv3', 14)   # HardSwish needs opset 14
    x = g.input('input', [1, 3, 96, 96])
    wm = 0.5
    cfg = [  # k, exp, out, se, act, s   (MobileNetV3-Small)
        [3, 16, 16, True, 'relu', 2], [3, 72, 24, False, 'relu', 2], [3, 88, 24, False, 'relu', 1],
        [5, 96, 40, True, 'hswish', 2], [5, 240, 40, True, 'hswish', 1], [5, 240, 40, True, 'hswish', 1],
        [5, 120, 48, True, 'hswish', 1], [5, 144, 48, True, 'hswish', 1], [5, 288, 96, True, 'hswish', 2],
        [5, 576, 96, True, 'hswish', 1], [5, 576, 96, True, 'hswish', 1]]
    cin = make_divisible(16 * wm)
    with g.mod('features'):
        with g.mod(0):
            y = cna(g, x, 3, cin, 3, 2, act='hswish')
        for i, (k, e, o, se, act, s) in enumerate(cfg):
            exp = make_divisible(e * wm)
            cout = make_divisible(o * wm)
            res = s == 1 and cin == cout
            with g.mod(i + 1):
                with g.mod('block'):
                    z = y
                    li = 0
                    if exp != cin:
                        with g.mod(li):
                            z = cna(g, z, cin, exp, 1, act=act)
                        li += 1
                    with g.mod(li):
                        z = cna(g, z, exp, exp, k, s, groups=exp, act=act)
                    li += 1
                    if se:
                        with g.mod(li):
                            z = squeeze_excite(g, z, exp, make_divisible(exp // 4, 8))
                        li += 1
                    with g.mod(li):
                        z = cna(g, z, exp, cout, 1, act=None, gain=1.4)  # offsets SE gating (~x0.5)
                if res:
                    z = g.op('Add', [z, y])
            y = z
            cin = cout
        last = make_divisible(576 * wm)
        with g.mod(len(cfg) + 1):
            y = cna(g, y, cin, last, 1, act='hswish')
    with g.mod('avgpool'):
        y = g.op('GlobalAveragePool', [y])
    y = flatten(g, y)
    with g.mod('classifier'):
        with g.mod(0):
            y = g.gemm(y, last, 512)
        with g.mod(1):
            y = g.op('HardSwish', [y])
        with g.mod(3):
            y = g.gemm(y, 512, 100)
    g.output(y, 'output', [1, 100])
    return g


def m_efficientnet_b0():
    g = Builder('efficientnet_b0', 13)
    x = g.input('input', [1, 3, 96, 96])
    wm = 0.5
    stages = [  # expand, k, s, cin, cout, layers
        [1, 3, 1, 32, 16, 1], [6, 3, 2, 16, 24, 2], [6, 5, 2, 24, 40, 2], [6, 3, 2, 40, 80, 3],
        [6, 5, 1, 80, 112, 3], [6, 5, 2, 112, 192, 4], [6, 3, 1, 192, 320, 1]]
    stem = make_divisible(32 * wm)
    with g.mod('features'):
        with g.mod(0):
            y = cna(g, x, 3, stem, 3, 2, act='silu')
        cin = stem
        for si, (e, k, s, _, co, n) in enumerate(stages):
            cout = make_divisible(co * wm)
            with g.mod(si + 1):
                for li in range(n):
                    stride = s if li == 0 else 1
                    exp = cin * e
                    with g.mod(li):
                        with g.mod('block'):
                            z = y
                            bi = 0
                            if exp != cin:
                                with g.mod(bi):
                                    z = cna(g, z, cin, exp, 1, act='silu')
                                bi += 1
                            with g.mod(bi):
                                z = cna(g, z, exp, exp, k, stride, groups=exp, act='silu')
                            with g.mod(bi + 1):
                                z = squeeze_excite(g, z, exp, max(1, cin // 4), act='silu', gate='sigmoid')
                            with g.mod(bi + 2):
                                z = cna(g, z, exp, cout, 1, act=None, gain=1.4)  # offsets SE gating
                        if stride == 1 and cin == cout:
                            z = g.op('Add', [z, y])
                    y = z
                    cin = cout
        head = make_divisible(1280 * wm)
        with g.mod(len(stages) + 1):
            y = cna(g, y, cin, head, 1, act='silu')
    with g.mod('avgpool'):
        y = g.op('GlobalAveragePool', [y])
    y = flatten(g, y)
    with g.mod('classifier'), g.mod(1):
        y = g.gemm(y, head, 100)
    g.output(y, 'output', [1, 100])
    return g


def m_densenet():
    g = Builder('densenet', 13)
    x = g.input('input', ['batch_size', 3, 64, 64])
    growth, bn_size, init = 8, 4, 16
    with g.mod('features'):
        with g.mod('conv0'):
            y = g.conv(x, 3, init, 7, 2, 3, fold_bn=True)
        with g.mod('relu0'):
            y = g.relu(y)
        with g.mod('pool0'):
            y = g.maxpool(y, 3, 2, 1)
        c = init
        for bi, nl in enumerate([2, 3, 4, 3]):
            with g.mod(f'denseblock{bi + 1}'):
                feats = [y]
                for li in range(nl):
                    cl = c + li * growth
                    with g.mod(f'denselayer{li + 1}'):
                        z = g.op('Concat', feats, axis=1)
                        with g.mod('norm1'):
                            z = g.bn(z, cl)
                        with g.mod('relu1'):
                            z = g.relu(z)
                        with g.mod('conv1'):
                            z = g.conv(z, cl, bn_size * growth, 1, p=0, fold_bn=True)
                        with g.mod('relu2'):
                            z = g.relu(z)
                        with g.mod('conv2'):
                            z = g.conv(z, bn_size * growth, growth, 3)
                    feats.append(z)
                y = g.op('Concat', feats, axis=1)
                c = c + nl * growth
            if bi != 3:
                with g.mod(f'transition{bi + 1}'):
                    with g.mod('norm'):
                        y = g.bn(y, c)
                    with g.mod('relu'):
                        y = g.relu(y)
                    with g.mod('conv'):
                        y = g.conv(y, c, c // 2, 1, p=0)
                    with g.mod('pool'):
                        y = g.op('AveragePool', [y], ceil_mode=0, count_include_pad=1, kernel_shape=[2, 2],
                                 pads=[0, 0, 0, 0], strides=[2, 2])
                c //= 2
        with g.mod('norm5'):
            y = g.bn(y, c)
    y = g.relu(y)
    y = g.op('GlobalAveragePool', [y])
    y = view_batch(g, y)
    with g.mod('classifier'):
        y = g.gemm(y, c, 100)
    g.output(y, 'output', ['batch_size', 100])
    return g


def channel_shuffle(g, x, c, h, w, groups=2):
    r = g.op('Reshape', [x, g.const([1, groups, c // groups, h, w])])
    t = g.op('Transpose', [r], perm=[0, 2, 1, 3, 4])
    return g.op('Reshape', [t, g.const([1, -1, h, w])])


def m_shufflenetv2():
    g = Builder('shufflenetv2', 13)
    x = g.input('input', [1, 3, 96, 96])
    chans = [24, 48, 96, 192, 512]
    with g.mod('conv1'):
        y = cna(g, x, 3, chans[0], 3, 2, act='relu')
    with g.mod('maxpool'):
        y = g.maxpool(y, 3, 2, 1)
    hw = 24
    cin = chans[0]
    for si, reps in enumerate([4, 8, 4]):
        cout = chans[si + 1]
        bf = cout // 2
        with g.mod(f'stage{si + 2}'):
            for bi in range(reps):
                with g.mod(bi):
                    if bi == 0:
                        hw //= 2
                        with g.mod('branch1'):
                            with g.mod(0):
                                b1 = g.conv(y, cin, cin, 3, 2, groups=cin, fold_bn=True, gain=1.0)
                            with g.mod(2):
                                b1 = g.conv(b1, cin, bf, 1, p=0, fold_bn=True)
                            with g.mod(4):
                                b1 = g.relu(b1)
                        src, b2in, s = y, cin, 2
                    else:
                        if si == 1:   # stage3: chunk exported as two Slices
                            b1 = g.op('Slice', [y, g.const([0]), g.const([bf]), g.const([1]), g.const([1])])
                            src = g.op('Slice', [y, g.const([bf]), g.const([cout]), g.const([1]), g.const([1])])
                        else:         # stage2/4: chunk exported as Split (opset 13 split input)
                            b1, src = g.op('Split', [y, g.const([bf, bf])], nout=2, axis=1)
                        b2in, s = bf, 1
                    with g.mod('branch2'):
                        with g.mod(0):
                            b2 = g.conv(src, b2in, bf, 1, p=0, fold_bn=True)
                        with g.mod(2):
                            b2 = g.relu(b2)
                        with g.mod(3):
                            b2 = g.conv(b2, bf, bf, 3, s, groups=bf, fold_bn=True, gain=1.0)
                        with g.mod(5):
                            b2 = g.conv(b2, bf, bf, 1, p=0, fold_bn=True)
                        with g.mod(7):
                            b2 = g.relu(b2)
                    y = g.op('Concat', [b1, b2], axis=1)
                    y = channel_shuffle(g, y, cout, hw, hw)
            cin = cout
    with g.mod('conv5'):
        y = cna(g, y, cin, chans[4], 1, act='relu')
    y = g.op('ReduceMean', [y], axes=[2, 3], keepdims=0)
    with g.mod('fc'):
        y = g.gemm(y, chans[4], 100)
    g.output(y, 'output', [1, 100])
    return g


def m_regnet():
    g = Builder('regnet', 13)
    x = g.input('input', [1, 3, 64, 64])
    with g.mod('stem'):
        y = cna(g, x, 3, 16, 3, 2, act='relu')
    cin = 16
    gw = 8
    with g.mod('trunk_output'):
        for si, (w, dpt) in enumerate(zip([16, 32, 64, 128], [1, 1, 2, 3])):
            with g.mod(f'block{si + 1}'):
                for bi in range(dpt):
                    s = 2 if bi == 0 else 1
                    with g.mod(f'block{si + 1}-{bi}'):
                        idt = y
                        if s != 1 or cin != w:
                            with g.mod('proj'):
                                idt = g.conv(y, cin, w, 1, s, p=0, fold_bn=True, gain=1.0)
                        with g.mod('f'):
                            with g.mod('a'):
                                z = cna(g, y, cin, w, 1, act='relu')
                            with g.mod('b'):
                                z = cna(g, z, w, w, 3, s, groups=w // gw, act='relu')
                            with g.mod('c'):
                                with g.mod(0):
                                    z = g.conv(z, w, w, 1, p=0, fold_bn=True, gain=1.0, bn_gamma=0.5)
                        y = g.op('Add', [idt, z])
                        with g.mod('activation'):
                            y = g.relu(y)
                    cin = w
    with g.mod('avgpool'):
        y = g.op('GlobalAveragePool', [y])
    y = flatten(g, y)
    with g.mod('fc'):
        y = g.gemm(y, cin, 100)
    g.output(y, 'output', [1, 100])
    return g


def make_convnext(name, opset, decomposed):
    g = Builder(name, opset)
    x = g.input('input', [1, 3, 64, 64])
    dims, depths = [32, 64, 128, 256], [1, 1, 3, 1]
    with g.mod('features'):
        with g.mod(0):
            with g.mod(0):
                y = g.conv(x, 3, dims[0], 4, 4, p=0, bias=True, gain=1.0)
            with g.mod(1):
                y = layer_norm_2d(g, y, dims[0], decomposed)
        fi = 1
        for si, (dim, dpt) in enumerate(zip(dims, depths)):
            with g.mod(fi):
                for bi in range(dpt):
                    with g.mod(bi):
                        with g.mod('block'):
                            with g.mod(0):
                                z = g.conv(y, dim, dim, 7, 1, 3, groups=dim, bias=True, gain=1.0)
                            with g.mod(1):
                                z = g.op('Transpose', [z], perm=[0, 2, 3, 1])
                            with g.mod(2):
                                z = layer_norm(g, z, dim, decomposed=decomposed)
                            with g.mod(3):
                                z = g.linear_matmul(z, dim, 4 * dim, gain=SQRT2)
                            with g.mod(4):
                                z = gelu_erf(g, z)
                            with g.mod(5):
                                z = g.linear_matmul(z, 4 * dim, dim)
                            with g.mod(6):
                                z = g.op('Transpose', [z], perm=[0, 3, 1, 2])
                        ls = g.param('layer_scale', g.uniform(0.1, 0.5, dim, 1, 1))
                        z = g.op('Mul', [ls, z])
                        y = g.op('Add', [z, y])
            fi += 1
            if si < 3:
                with g.mod(fi):
                    with g.mod(0):
                        y = layer_norm_2d(g, y, dim, decomposed)
                    with g.mod(1):
                        y = g.conv(y, dim, dims[si + 1], 2, 2, p=0, bias=True, gain=1.0)
                fi += 1
    with g.mod('avgpool'):
        y = g.op('GlobalAveragePool', [y])
    with g.mod('classifier'):
        with g.mod(0):
            y = layer_norm_2d(g, y, dims[-1], decomposed)
        with g.mod(1):
            y = flatten(g, y)
        with g.mod(2):
            y = g.gemm(y, dims[-1], 100)
    g.output(y, 'output', [1, 100])
    return g


def m_convnext():
    return make_convnext('convnext', 17, decomposed=False)


def m_convnext_op13():
    return make_convnext('convnext_op13', 13, decomposed=True)


def m_squeezenet():
    g = Builder('squeezenet', 13)
    x = g.input('input', [1, 3, 98, 98])  # 98 makes every ceil_mode MaxPool differ from floor
    fires = {3: (64, 16, 64), 4: (128, 16, 64), 6: (128, 32, 128), 7: (256, 32, 128),
             9: (256, 48, 192), 10: (384, 48, 192), 11: (384, 64, 256), 12: (512, 64, 256)}
    with g.mod('features'):
        with g.mod(0):
            y = g.conv(x, 3, 64, 3, 2, p=0, bias=True)
        with g.mod(1):
            y = g.relu(y)
        for i in range(2, 13):
            with g.mod(i):
                if i in (2, 5, 8):
                    y = g.maxpool(y, 3, 2, 0, ceil=1)
                    continue
                cin, sq, ex = fires[i]
                with g.mod('squeeze'):
                    s = g.conv(y, cin, sq, 1, p=0, bias=True)
                with g.mod('squeeze_activation'):
                    s = g.relu(s)
                with g.mod('expand1x1'):
                    e1 = g.conv(s, sq, ex, 1, p=0, bias=True)
                with g.mod('expand1x1_activation'):
                    e1 = g.relu(e1)
                with g.mod('expand3x3'):
                    e3 = g.conv(s, sq, ex, 3, bias=True)
                with g.mod('expand3x3_activation'):
                    e3 = g.relu(e3)
                y = g.op('Concat', [e1, e3], axis=1)
    with g.mod('classifier'):
        with g.mod(0):
            y = g.op('Dropout', [y])
        with g.mod(1):
            y = g.conv(y, 512, 100, 1, p=0, bias=True)
        with g.mod(2):
            y = g.relu(y)
        with g.mod(3):
            y = g.op('GlobalAveragePool', [y])
    y = flatten(g, y)
    g.output(y, 'output', [1, 100])
    return g


def basic_conv(g, x, cin, cout, k, s=1, p=None):
    """googlenet BasicConv2d: conv (+ BN eps=1e-3, folded) then F.relu in the module scope."""
    with g.mod('conv'):
        y = g.conv(x, cin, cout, k, s, p, fold_bn=True, eps=1e-3)
    return g.relu(y)


def inception(g, x, cin, c1, c3r, c3, c5r, c5, pp):
    with g.mod('branch1'):
        b1 = basic_conv(g, x, cin, c1, 1, p=0)
    with g.mod('branch2'):
        with g.mod(0):
            b2 = basic_conv(g, x, cin, c3r, 1, p=0)
        with g.mod(1):
            b2 = basic_conv(g, b2, c3r, c3, 3)
    with g.mod('branch3'):
        with g.mod(0):
            b3 = basic_conv(g, x, cin, c5r, 1, p=0)
        with g.mod(1):
            b3 = basic_conv(g, b3, c5r, c5, 3)
    with g.mod('branch4'):
        with g.mod(0):
            b4 = g.maxpool(x, 3, 1, 1, ceil=1)
        with g.mod(1):
            b4 = basic_conv(g, b4, cin, pp, 1, p=0)
    return g.op('Concat', [b1, b2, b3, b4], axis=1), c1 + c3 + c5 + pp


def m_googlenet():
    g = Builder('googlenet', 13)
    x = g.input('input', [1, 3, 96, 96])
    # transform_input=True
    chans = []
    for ch, (sd, mu) in enumerate([(0.229, 0.485), (0.224, 0.456), (0.225, 0.406)]):
        c = g.op('Gather', [x, g.const(ch)], axis=1)
        c = g.op('Unsqueeze', [c, g.const([1])])
        c = g.op('Mul', [c, g.const(sd / 0.5, np.float32)])
        c = g.op('Add', [c, g.const((mu - 0.5) / 0.5, np.float32)])
        chans.append(c)
    y = g.op('Concat', chans, axis=1)
    q = 4  # width divisor

    def d(v):
        return max(4, v // q)
    with g.mod('conv1'):
        y = basic_conv(g, y, 3, d(64), 7, 2, 3)
    with g.mod('maxpool1'):
        y = g.maxpool(y, 3, 2, 0, ceil=1)
    with g.mod('lrn1'):
        y = g.op('LRN', [y], alpha=1e-4, beta=0.75, bias=1.0, size=5)
    with g.mod('conv2'):
        y = basic_conv(g, y, d(64), d(64), 1, p=0)
    with g.mod('conv3'):
        y = basic_conv(g, y, d(64), d(192), 3)
    with g.mod('lrn2'):
        y = g.op('LRN', [y], alpha=1e-4, beta=0.75, bias=1.0, size=5)
    with g.mod('maxpool2'):
        y = g.maxpool(y, 3, 2, 0, ceil=1)
    c = d(192)
    cfg = [('inception3a', (64, 96, 128, 16, 32, 32)), ('inception3b', (128, 128, 192, 32, 96, 64)),
           ('maxpool3', None),
           ('inception4a', (192, 96, 208, 16, 48, 64)), ('inception4b', (160, 112, 224, 24, 64, 64)),
           ('maxpool4', None),
           ('inception5a', (256, 160, 320, 32, 128, 128)), ('inception5b', (384, 192, 384, 48, 128, 128))]
    for name, a in cfg:
        with g.mod(name):
            if a is None:
                y = g.maxpool(y, 3 if name == 'maxpool3' else 2, 2, 0, ceil=1)
            else:
                y, c = inception(g, y, c, *[d(v) for v in a])
    with g.mod('avgpool'):
        y = g.op('GlobalAveragePool', [y])
    y = flatten(g, y)
    with g.mod('fc'):
        y = g.gemm(y, c, 100)
    g.output(y, 'output', [1, 100])
    return g


def m_deeplabv3():
    g = Builder('deeplabv3', 13)
    x = g.input('input', [1, 3, 64, 64])
    with g.mod('backbone'):
        with g.mod('conv1'):
            y = g.conv(x, 3, 16, 7, 2, 3, fold_bn=True)
        with g.mod('relu'):
            y = g.relu(y)
        with g.mod('maxpool'):
            y = g.maxpool(y, 3, 2, 1)
        cin, dil = 16, 1
        for li, (w, n, s, dilate) in enumerate([(8, 1, 1, False), (16, 2, 2, False), (32, 2, 2, True), (64, 1, 2, True)]):
            prev = dil
            if dilate:
                dil *= s
                s = 1
            with g.mod(f'layer{li + 1}'):
                for bi in range(n):
                    with g.mod(bi):
                        y = resnet_bottleneck(g, y, cin, w, s if bi == 0 else 1, dilation=dil,
                                              first_dilation=prev if bi == 0 else dil)
                    cin = w * 4
    ca = 32
    with g.mod('classifier'):
        with g.mod(0):
            branches = []
            with g.mod('convs'):
                with g.mod(0):
                    branches.append(cna(g, y, cin, ca, 1, act='relu'))
                for i, rate in enumerate([2, 4, 6]):
                    with g.mod(i + 1):
                        branches.append(cna(g, y, cin, ca, 3, d=rate, act='relu'))
                with g.mod(4):
                    # ASPPPooling: size = x.shape[-2:], then F.interpolate(bilinear, align_corners=False)
                    shp = g.op('Shape', [y])
                    h = g.op('Unsqueeze', [g.op('Gather', [shp, g.const(2)], axis=0), g.const([0])])
                    wd = g.op('Unsqueeze', [g.op('Gather', [shp, g.const(3)], axis=0), g.const([0])])
                    hwsz = g.op('Concat', [h, wd], axis=0)
                    with g.mod(0):
                        p = g.op('GlobalAveragePool', [y])
                    with g.mod(1):
                        p = g.conv(p, cin, ca, 1, p=0, fold_bn=True)
                    with g.mod(3):
                        p = g.relu(p)
                    pshp = g.op('Shape', [p])
                    nc = g.op('Slice', [pshp, g.const([0]), g.const([2]), g.const([0])])
                    sizes = g.op('Concat', [nc, hwsz], axis=0)
                    p = g.op('Resize', [p, '', '', sizes], coordinate_transformation_mode='pytorch_half_pixel',
                             cubic_coeff_a=-0.75, mode='linear', nearest_mode='floor')
                    branches.append(p)
            y = g.op('Concat', branches, axis=1)
            with g.mod('project'):
                y = cna(g, y, 5 * ca, ca, 1, act='relu')
        with g.mod(1):
            y = g.conv(y, ca, ca, 3, fold_bn=True)
        with g.mod(3):
            y = g.relu(y)
        with g.mod(4):
            y = g.conv(y, ca, 21, 1, p=0, bias=True, gain=1.0)
    y = g.op('Resize', [y, '', '', g.const([1, 21, 64, 64])], coordinate_transformation_mode='pytorch_half_pixel',
             cubic_coeff_a=-0.75, mode='linear', nearest_mode='floor')
    g.output(y, 'out', [1, 21, 64, 64])
    return g


def double_conv(g, x, cin, cout):
    with g.mod('double_conv'):
        with g.mod(0):
            y = g.conv(x, cin, cout, 3, fold_bn=True)
        with g.mod(2):
            y = g.relu(y)
        with g.mod(3):
            y = g.conv(y, cout, cout, 3, fold_bn=True)
        with g.mod(5):
            return g.relu(y)


def m_unet():
    g = Builder('unet', 13)
    x = g.input('input', [1, 3, 64, 64])
    ch = [8, 16, 32, 64, 128]
    skips = []
    with g.mod('inc'):
        y = double_conv(g, x, 3, ch[0])
    for i in range(4):
        skips.append(y)
        with g.mod(f'down{i + 1}'), g.mod('maxpool_conv'):
            with g.mod(0):
                y = g.maxpool(y, 2, 2, 0)
            with g.mod(1):
                y = double_conv(g, y, ch[i], ch[i + 1])
    for i in range(4):
        cin = ch[4 - i]
        cout = ch[3 - i]
        with g.mod(f'up{i + 1}'):
            with g.mod('up'):
                w = g.param('weight', g.randn(cin, cin // 2, 2, 2, std=1.0 / math.sqrt(cin)))
                b = g.param('bias', g.randn(cin // 2, std=0.05))
                u = g.op('ConvTranspose', [y, w, b], dilations=[1, 1], group=1, kernel_shape=[2, 2],
                         pads=[0, 0, 0, 0], strides=[2, 2])
            y = g.op('Concat', [skips[3 - i], u], axis=1)
            with g.mod('conv'):
                y = double_conv(g, y, cin, cout)
    with g.mod('outc'), g.mod('conv'):
        y = g.conv(y, ch[0], 2, 1, p=0, bias=True, gain=1.0)
    g.output(y, 'output', [1, 2, 64, 64])
    return g


def yconv(g, x, cin, cout, k=1, s=1, p=None):
    """YOLOv5 Conv: conv (BN folded) + SiLU (Sigmoid, Mul)."""
    with g.mod('conv'):
        y = g.conv(x, cin, cout, k, s, p, fold_bn=True, eps=1e-3)
    with g.mod('act'):
        return g.silu(y)


def c3(g, x, cin, cout, n, shortcut=True):
    c_ = cout // 2
    with g.mod('cv1'):
        a = yconv(g, x, cin, c_)
    with g.mod('m'):
        for i in range(n):
            with g.mod(i):
                with g.mod('cv1'):
                    t = yconv(g, a, c_, c_)
                with g.mod('cv2'):
                    t = yconv(g, t, c_, c_, 3)
                a = g.op('Add', [a, t]) if shortcut else t
    with g.mod('cv2'):
        b = yconv(g, x, cin, c_)
    y = g.op('Concat', [a, b], axis=1)
    with g.mod('cv3'):
        return yconv(g, y, 2 * c_, cout)


def m_yolo():
    g = Builder('yolo', 13)
    x = g.input('images', [1, 3, 128, 128])
    nc, na = 4, 3
    no = nc + 5
    L = {}

    def M(i):
        return g.mod(f'model.{i}')
    with M(0):  # Focus
        parts = []
        for sh, sw in [(0, 0), (1, 0), (0, 1), (1, 1)]:
            t = g.op('Slice', [x, g.const([sh]), g.const([INT64_MAX]), g.const([2]), g.const([2])])
            t = g.op('Slice', [t, g.const([sw]), g.const([INT64_MAX]), g.const([3]), g.const([2])])
            parts.append(t)
        y = g.op('Concat', parts, axis=1)
        with g.mod('conv'):
            y = yconv(g, y, 12, 16, 3)
    with M(1):
        y = yconv(g, y, 16, 32, 3, 2)
    with M(2):
        y = c3(g, y, 32, 32, 1)
    with M(3):
        y = yconv(g, y, 32, 64, 3, 2)
    with M(4):
        y = L[4] = c3(g, y, 64, 64, 2)
    with M(5):
        y = yconv(g, y, 64, 128, 3, 2)
    with M(6):
        y = L[6] = c3(g, y, 128, 128, 2)
    with M(7):
        y = yconv(g, y, 128, 256, 3, 2)
    with M(8):
        y = c3(g, y, 256, 256, 1)
    with M(9):  # SPPF
        with g.mod('cv1'):
            a = yconv(g, y, 256, 128)
        pools = [a]
        for i in range(3):
            with g.mod('m' if i == 0 else f'm_{i}'):
                pools.append(g.maxpool(pools[-1], 5, 1, 2))
        y = g.op('Concat', pools, axis=1)
        with g.mod('cv2'):
            y = yconv(g, y, 512, 256)
    with M(10):
        y = L[10] = yconv(g, y, 256, 128)

    def up(t):
        return g.op('Resize', [t, '', g.const([1.0, 1.0, 2.0, 2.0], np.float32)],
                    coordinate_transformation_mode='asymmetric', cubic_coeff_a=-0.75, mode='nearest',
                    nearest_mode='floor')
    with M(11):
        y = up(y)
    with M(12):
        y = g.op('Concat', [y, L[6]], axis=1)
    with M(13):
        y = c3(g, y, 256, 128, 1, False)
    with M(14):
        y = L[14] = yconv(g, y, 128, 64)
    with M(15):
        y = up(y)
    with M(16):
        y = g.op('Concat', [y, L[4]], axis=1)
    with M(17):
        y = p3 = c3(g, y, 128, 64, 1, False)
    with M(18):
        y = yconv(g, y, 64, 64, 3, 2)
    with M(19):
        y = g.op('Concat', [y, L[14]], axis=1)
    with M(20):
        y = p4 = c3(g, y, 128, 128, 1, False)
    with M(21):
        y = yconv(g, y, 128, 128, 3, 2)
    with M(22):
        y = g.op('Concat', [y, L[10]], axis=1)
    with M(23):
        p5 = c3(g, y, 256, 256, 1, False)
    anchors = np.array([[10, 13, 16, 30, 33, 23], [30, 61, 62, 45, 59, 119], [116, 90, 156, 198, 373, 326]],
                       np.float32).reshape(3, 3, 2)
    outs = []
    total = 0
    with M(24):
        for i, (feat, cin, stride) in enumerate([(p3, 64, 8), (p4, 128, 16), (p5, 256, 32)]):
            ny = nx = 128 // stride
            total += na * ny * nx
            with g.mod('m'), g.mod(i):
                t = g.conv(feat, cin, na * no, 1, p=0, bias=True, gain=1.0)
            t = g.op('Reshape', [t, g.const([1, na, no, ny, nx])])
            t = g.op('Transpose', [t], perm=[0, 1, 3, 4, 2])
            t = g.op('Sigmoid', [t])
            xy, wh, conf = g.op('Split', [t, g.const([2, 2, nc + 1])], nout=3, axis=4)
            yv, xv = np.meshgrid(np.arange(ny, dtype=np.float32), np.arange(nx, dtype=np.float32), indexing='ij')
            grid = np.broadcast_to(np.stack((xv, yv), 2)[None, None], (1, na, ny, nx, 2)) - np.float32(0.5)
            agrid = np.broadcast_to(anchors[i][None, :, None, None, :], (1, na, ny, nx, 2))
            xy = g.op('Mul', [xy, g.const(2.0, np.float32)])
            xy = g.op('Add', [xy, g.const(grid.astype(np.float32), np.float32)])
            xy = g.op('Mul', [xy, g.const(float(stride), np.float32)])
            wh = g.op('Mul', [wh, g.const(2.0, np.float32)])
            wh = g.op('Pow', [wh, g.const(2.0, np.float32)])
            wh = g.op('Mul', [wh, g.const(agrid.astype(np.float32), np.float32)])
            t = g.op('Concat', [xy, wh, conf], axis=4)
            outs.append(g.op('Reshape', [t, g.const([1, na * ny * nx, no])]))
        y = g.op('Concat', outs, axis=1)
    g.output(y, 'output0', [1, total, no])
    return g


MODELS = {
    'resnet18': m_resnet18,
    'resnet50': m_resnet50,
    'mobilenetv2': m_mobilenetv2,
    'mobilenetv3': m_mobilenetv3,
    'efficientnet_b0': m_efficientnet_b0,
    'densenet': m_densenet,
    'shufflenetv2': m_shufflenetv2,
    'regnet': m_regnet,
    'convnext': m_convnext,
    'convnext_op13': m_convnext_op13,
    'squeezenet': m_squeezenet,
    'googlenet': m_googlenet,
    'deeplabv3': m_deeplabv3,
    'unet': m_unet,
    'yolo': m_yolo,
}


def describe(name, m):
    inp = m.graph.input[0]
    dims = [d.dim_value if d.HasField('dim_value') else 1 for d in inp.type.tensor_type.shape.dim]
    shapes = f"{inp.name}:{'x'.join(str(d) for d in dims)}"
    dyn = any(d.HasField('dim_param') for d in inp.type.tensor_type.shape.dim)
    ops = sorted({n.op_type for n in m.graph.node})
    opset = m.opset_import[0].version
    return f"{name:16} {inp.name:8} {shapes:22} {opset:<5} {'dyn' if dyn else 'static':6} {','.join(ops)}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('outdir')
    ap.add_argument('--only', action='append', default=[], help='model name(s), comma-separated or repeated')
    ap.add_argument('--models-txt', help='also write the models.txt listing to this path')
    ap.add_argument('--list', action='store_true', help='list model names and exit')
    a = ap.parse_args()
    if a.list:
        print('\n'.join(MODELS))
        return 0
    only = [n for s in a.only for n in s.split(',') if n]
    for n in only:
        if n not in MODELS:
            print(f'make_zoo: unknown model {n!r}; known: {", ".join(MODELS)}', file=sys.stderr)
            return 2
    names = only or list(MODELS)
    os.makedirs(a.outdir, exist_ok=True)
    lines = []
    for name in names:
        m = MODELS[name]().model()
        onnx.checker.check_model(m, full_check=True)
        path = os.path.join(a.outdir, f'{name}.onnx')
        onnx.save(m, path)
        lines.append(describe(name, m))
        nparams = sum(int(np.prod(t.dims)) for t in m.graph.initializer)
        print(f'wrote {path}: {len(m.graph.node)} nodes, {nparams} params, opset {m.opset_import[0].version}')
    if a.models_txt:
        hdr = ('# dlasim CNN zoo (generated by tests/zoo/make_zoo.py; regenerate with --models-txt)\n'
               '# name  input  --shapes  opset  batch(dyn = input dim 0 is dim_param batch_size)  op types\n')
        with open(a.models_txt, 'w') as f:
            f.write(hdr + '\n'.join(lines) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
