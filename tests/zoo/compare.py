#!/usr/bin/python3
"""Compare dlasim against ONNX Runtime (reference) on zoo models.

Usage:
    /usr/bin/python3 tests/zoo/compare.py --dlasim BUILD/dlasim --zoo ZOODIR --ort-dir tools/ort NAME... [options]

For each model NAME (or `all`): writes a seeded random float32 input (standard normal) as
.npy, runs `node <ort-dir>/run_ort.js ZOODIR/NAME.onnx ort.json input=x.npy` and
`<dlasim> --onnx=ZOODIR/NAME.onnx --shapes=<shapes> --loadInputs=<input>:x.npy
--exportOutput=dlasim.json`, and compares every output elementwise:

    pass  iff  |a - b| <= atol + rtol * |b|   (b = ORT, a = dlasim; rtol=1e-4, atol=1e-5)

NaN matches only NaN, +-Inf only the same Inf. Prints one line per model, e.g.
    PASS resnet18 max_abs=1.2e-06 max_rel=3.4e-05
with Polygraphy-style max absolute / max relative (|a-b|/|b|) differences, then a summary
line `compare: N passed, N failed`.

Exit status: 0 all passed; 1 some output mismatched (values, dimensions, or an output
missing from dlasim's file); 2 a tool error (missing model, ORT or dlasim non-zero exit or
timeout, no/unparsable output file). Tool errors take precedence over mismatches.

--dlasim is split with shlex, so a wrapper command with arguments works (handy for mocking:
`--dlasim "/usr/bin/python3 tests/zoo/fake_dlasim.py"`).
"""
import argparse
import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


class ToolError(Exception):
    pass


def read_models_txt(path):
    rows = {}
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            parts = line.split()
            rows[parts[0]] = {'input': parts[1], 'shapes': parts[2]}
    return rows


def spec_from_model(path):
    """Fallback when a model is not listed in models.txt: read its (first) input; dim_params -> 1."""
    import onnx
    m = onnx.load(path, load_external_data=False)
    init = {t.name for t in m.graph.initializer}
    inp = [i for i in m.graph.input if i.name not in init][0]
    dims = [d.dim_value if d.HasField('dim_value') else 1 for d in inp.type.tensor_type.shape.dim]
    return {'input': inp.name, 'shapes': f"{inp.name}:{'x'.join(map(str, dims))}"}


_BARE = re.compile(r'(?<=[\[,\s:])(-?)(nan|inf|infinity)(?=[\s,\]])', re.IGNORECASE)


def load_outputs(path, who):
    """Read a trtexec --exportOutput JSON file -> {name: (dims tuple, float64 array)}."""
    if not os.path.exists(path):
        raise ToolError(f'{who} wrote no output file {path}')
    text = open(path).read()
    try:
        data = json.loads(text)
    except ValueError:
        # trtexec prints non-finite floats as bare nan/inf tokens
        fixed = _BARE.sub(lambda m: ('NaN' if m.group(2).lower() == 'nan' else m.group(1) + 'Infinity'), text)
        try:
            data = json.loads(fixed)
        except ValueError as e:
            raise ToolError(f'{who} output {path} is not valid JSON: {e}')
    if not isinstance(data, list):
        raise ToolError(f'{who} output {path}: expected a JSON list of tensors')
    out = {}
    for t in data:
        try:
            name = t['name']
            dstr = str(t['dimensions'])
            dims = tuple(int(d) for d in dstr.split('x')) if dstr else ()
            vals = np.array([float(v) for v in t['values']], dtype=np.float64)
        except (KeyError, TypeError, ValueError) as e:
            raise ToolError(f'{who} output {path}: malformed tensor entry ({e})')
        out[name] = (dims, vals)
    return out


def run(cmd, timeout, who, log):
    with open(log, 'w') as lf:
        lf.write('$ ' + ' '.join(shlex.quote(c) for c in cmd) + '\n')
        lf.flush()
        try:
            r = subprocess.run(cmd, stdout=lf, stderr=subprocess.STDOUT, timeout=timeout)
        except FileNotFoundError as e:
            raise ToolError(f'{who} not found: {e.filename}')
        except PermissionError as e:
            raise ToolError(f'{who} not executable: {e.filename}')
        except subprocess.TimeoutExpired:
            raise ToolError(f'{who} timed out after {timeout}s (log: {log})')
    if r.returncode != 0:
        tail = open(log).read().strip().splitlines()[-3:]
        raise ToolError(f'{who} exited {r.returncode} (log: {log}): ' + ' | '.join(tail))


def compare_arrays(a, b, rtol, atol):
    """a = candidate, b = reference. Returns (ok mask, absdiff, reldiff)."""
    both_nan = np.isnan(a) & np.isnan(b)
    same_inf = np.isinf(a) & np.isinf(b) & (np.sign(a) == np.sign(b))
    with np.errstate(invalid='ignore', over='ignore'):
        absdiff = np.abs(a - b)
        absdiff = np.where(both_nan | same_inf, 0.0, absdiff)
        absdiff = np.where(np.isnan(absdiff), np.inf, absdiff)
        ok = absdiff <= atol + rtol * np.abs(b)
        with np.errstate(divide='ignore'):
            reldiff = np.where(absdiff == 0, 0.0, absdiff / np.abs(b))
    return ok, absdiff, reldiff


def compare_outputs(got, ref, rtol, atol):
    """Returns (passed, max_abs, max_rel, details[list of str])."""
    passed, max_abs, max_rel, details = True, 0.0, 0.0, []
    for name, (rdims, rvals) in ref.items():
        if name not in got:
            passed = False
            details.append(f'output {name!r} missing from dlasim (has: {", ".join(got) or "none"})')
            continue
        gdims, gvals = got[name]
        if gdims != rdims or gvals.size != rvals.size:
            passed = False
            details.append(f'output {name!r}: dims {"x".join(map(str, gdims))} ({gvals.size} values) '
                           f'!= ORT {"x".join(map(str, rdims))} ({rvals.size} values)')
            continue
        if rvals.size == 0:
            continue
        ok, absd, reld = compare_arrays(gvals, rvals, rtol, atol)
        ma, mr = float(absd.max()), float(reld.max())
        max_abs, max_rel = max(max_abs, ma), max(max_rel, mr)
        nbad = int((~ok).sum())
        if nbad:
            passed = False
            i = int(np.argmax(np.where(ok, -1.0, absd - rtol * np.abs(rvals))))
            idx = np.unravel_index(i, rdims) if rdims else ()
            details.append(f'output {name!r}: {nbad}/{ok.size} mismatches; max_abs={ma:.3g} max_rel={mr:.3g}; '
                           f'worst at {tuple(int(v) for v in idx)}: dlasim={gvals[i]!r} ort={rvals[i]!r}')
        else:
            details.append(f'output {name!r}: {"x".join(map(str, rdims))} ok max_abs={ma:.3g} max_rel={mr:.3g}')
    extra = [n for n in got if n not in ref]
    if extra:
        details.append(f'note: dlasim has extra outputs {extra}')
    return passed, max_abs, max_rel, details


def fmt(v):
    return 'inf' if math.isinf(v) else f'{v:.3g}'


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('names', nargs='+', metavar='NAME', help='zoo model names, or "all" (every model in models.txt)')
    ap.add_argument('--dlasim', required=True, help='dlasim binary (or a command; split with shlex)')
    ap.add_argument('--zoo', required=True, help='directory holding NAME.onnx (from make_zoo.py)')
    ap.add_argument('--ort-dir', default=os.path.join(REPO, 'tools', 'ort'), help='folder with run_ort.js')
    ap.add_argument('--models-txt', default=os.path.join(HERE, 'models.txt'))
    ap.add_argument('--rtol', type=float, default=1e-4)
    ap.add_argument('--atol', type=float, default=1e-5)
    ap.add_argument('--seed', type=int, default=0, help='input seed (mixed with the model name)')
    ap.add_argument('--timeout', type=float, default=600, help='seconds per tool run')
    ap.add_argument('--ort-threads', type=int, default=1)
    ap.add_argument('--dlasim-arg', action='append', default=[], help='extra argument for dlasim (repeatable)')
    ap.add_argument('--workdir', help='keep inputs/outputs/logs here (default: a temp dir, removed unless --keep)')
    ap.add_argument('--keep', action='store_true')
    ap.add_argument('-v', '--verbose', action='store_true', help='print per-output details for passes too')
    a = ap.parse_args()

    rows = read_models_txt(a.models_txt)
    names = list(rows) if a.names == ['all'] else a.names
    dlasim_cmd = shlex.split(a.dlasim)
    run_ort = os.path.join(a.ort_dir, 'run_ort.js')
    node = shutil.which('node')

    work = a.workdir or tempfile.mkdtemp(prefix='dlasim-compare-')
    os.makedirs(work, exist_ok=True)
    n_pass = n_fail = n_err = 0
    for name in names:
        mdir = os.path.join(work, name)
        os.makedirs(mdir, exist_ok=True)
        try:
            model = os.path.join(a.zoo, f'{name}.onnx')
            if not os.path.exists(model):
                raise ToolError(f'no model {model} (generate with tests/zoo/make_zoo.py)')
            if node is None:
                raise ToolError('node not found on PATH (needed for the ORT reference)')
            if not os.path.exists(run_ort):
                raise ToolError(f'no {run_ort}')
            spec = rows.get(name) or spec_from_model(model)
            inp, shapes = spec['input'], spec['shapes']
            dims = [int(d) for d in shapes.rsplit(':', 1)[1].split('x')]
            rng = np.random.default_rng([a.seed, zlib.crc32(name.encode())])
            x_path = os.path.join(mdir, 'input.npy')
            np.save(x_path, rng.standard_normal(dims).astype(np.float32))

            ort_json = os.path.join(mdir, 'ort.json')
            run([node, run_ort, model, ort_json, f'{inp}={x_path}', f'--threads={a.ort_threads}'],
                a.timeout, 'ORT', os.path.join(mdir, 'ort.log'))
            ref = load_outputs(ort_json, 'ORT')

            dl_json = os.path.join(mdir, 'dlasim.json')
            if os.path.exists(dl_json):
                os.remove(dl_json)
            run(dlasim_cmd + [f'--onnx={model}', f'--shapes={shapes}', f'--loadInputs={inp}:{x_path}',
                              f'--exportOutput={dl_json}'] + a.dlasim_arg,
                a.timeout, 'dlasim', os.path.join(mdir, 'dlasim.log'))
            got = load_outputs(dl_json, 'dlasim')
        except ToolError as e:
            n_err += 1
            print(f'ERROR {name} {e}', flush=True)
            continue
        ok, ma, mr, details = compare_outputs(got, ref, a.rtol, a.atol)
        if ok:
            n_pass += 1
        else:
            n_fail += 1
        print(f'{"PASS" if ok else "FAIL"} {name} max_abs={fmt(ma)} max_rel={fmt(mr)}', flush=True)
        if not ok or a.verbose:
            for d in details:
                print(f'    {d}', flush=True)
    print(f'compare: {n_pass} passed, {n_fail + n_err} failed')
    if a.workdir or a.keep or n_fail or n_err:
        print(f'(files in {work})')
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 2 if n_err else (1 if n_fail else 0)


if __name__ == '__main__':
    sys.exit(main())
