#!/usr/bin/python3
"""dlasim's INT8 emulation of the Q/DQ classifier against ONNX Runtime running its Q/DQ nodes.

Usage:
    /usr/bin/python3 tests/quant/qdq_vs_ort.py --dlasim BUILD/dlasim --quant BUILD/quant
        --ort-dir tools/ort [--platform orin-agx]

ONNX Runtime executes QuantizeLinear / DequantizeLinear literally (round half to even, every
pair where the model puts it); dlasim imports them as TensorRT does (scales on tensors, layers
in emulated INT8 on the DLA, round half away from zero, scales propagated across max pooling
and ReLU). The two are different implementations of the same quantised network, so on the
1000 test images their top-1 classes must agree on at least 98% and their accuracies (against
the labels) be within 1 point. Exit 0 pass, 1 fail, 2 setup error.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np


def scores(path, rows):
    out = json.load(open(path))
    o = [x for x in out if x['name'] == 'output'][0]
    return np.array(o['values'], dtype=np.float64).reshape(rows, -1)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--dlasim', required=True)
    ap.add_argument('--quant', required=True)
    ap.add_argument('--ort-dir', required=True)
    ap.add_argument('--platform', default='orin-agx')
    a = ap.parse_args()
    model = os.path.join(a.quant, 'classifier_qdq.onnx')
    x = os.path.join(a.quant, 'test_x.npy')
    labels = np.load(os.path.join(a.quant, 'test_y.npy'))
    n = len(labels)
    with tempfile.TemporaryDirectory() as tmp:
        ort_json, emu_json = os.path.join(tmp, 'ort.json'), os.path.join(tmp, 'dlasim.json')
        r = subprocess.run(['node', os.path.join(a.ort_dir, 'run_ort.js'), model, ort_json,
                            f'input={x}', '--threads=2'], capture_output=True, text=True)
        if r.returncode != 0:
            print(f'onnxruntime failed: {r.stderr.strip()}', file=sys.stderr)
            return 2
        r = subprocess.run([a.dlasim, f'--onnx={model}', f'--shapes=input:{n}x3x32x32',
                            '--int8', '--useDLACore=0', '--allowGPUFallback',
                            f'--platform={a.platform}', f'--loadInputs=input:{x}',
                            f'--exportOutput={emu_json}'], capture_output=True, text=True)
        if r.returncode != 0:
            print(f'dlasim failed: {r.stderr.strip()}', file=sys.stderr)
            return 2
        ort, emu = scores(ort_json, n).argmax(1), scores(emu_json, n).argmax(1)
    agree = float((ort == emu).mean())
    acc_ort, acc_emu = float((ort == labels).mean()), float((emu == labels).mean())
    ok = agree >= 0.98 and abs(acc_ort - acc_emu) <= 0.01
    print(f'{a.platform}: top-1 agreement {agree:.3f}; accuracy ONNX Runtime {acc_ort:.3f}, '
          f'dlasim INT8 {acc_emu:.3f}: {"PASS" if ok else "FAIL"}')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
