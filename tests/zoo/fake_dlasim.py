#!/usr/bin/python3
"""Stand-in for dlasim used to test compare.py: accepts dlasim's trtexec-like flags, runs the
ORT reference (tools/ort/run_ort.js) and writes its outputs, optionally corrupted.

FAKE_DLASIM_MODE: exact (default) | tiny (x(1+2e-5), within tolerance) | perturb (one value +1e-2)
                  | shape (wrong dimensions) | nan (one NaN, written as trtexec's bare `nan`)
                  | crash (exit 3) | noout (exit 0, no file)
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RUN_ORT = os.path.join(os.path.dirname(os.path.dirname(HERE)), 'tools', 'ort', 'run_ort.js')

args = dict(a[2:].split('=', 1) for a in sys.argv[1:] if a.startswith('--') and '=' in a)
mode = os.environ.get('FAKE_DLASIM_MODE', 'exact')
if mode == 'crash':
    print('fake dlasim: simulated crash', file=sys.stderr)
    sys.exit(3)
if mode == 'noout':
    sys.exit(0)
feeds = [f'{name}={path}' for name, path in (s.rsplit(':', 1) for s in args['loadInputs'].split(','))]
out = args['exportOutput']
subprocess.run(['node', RUN_ORT, args['onnx'], out] + feeds, check=True)
data = json.load(open(out))
t = data[0]
if mode == 'tiny':
    t['values'] = [v * (1 + 2e-5) for v in t['values']]
elif mode == 'perturb':
    t['values'][len(t['values']) // 2] += 1e-2
elif mode == 'shape':
    t['dimensions'] = 'x'.join(reversed(t['dimensions'].split('x'))) + 'x1'
elif mode == 'nan':
    t['values'][0] = float('nan')
text = json.dumps(data, indent=1)
if mode == 'nan':
    text = text.replace('NaN', 'nan')
open(out, 'w').write(text)
