"""dlasim eval: the accuracy of a DLA build over a data set, as a CI gate (docs/cli.md).

    dlasim eval model.onnx --data=DIR|FILE [--labels=y.npy] [trtexec build flags]
                [--scheduler=tcp://host:8786 | --workers=N] [--json=FILE] [--max-top1-drop=0.5]
                [--on-bad-sample=fail|skip] [--batch=N] [--per-layer] [--worst=K]

The `dlasim` binary runs this module (`python3 -m dlasim.eval`) in its place. Exit codes as the
command's: 0 passed, 1 the gate failed (or the build is impossible), 2 bad usage or input.
"""
import json
import math
import os
import sys
import time

import dlasim
from dlasim import distributed

USAGE = ("usage: dlasim eval model.onnx --data=DIR|FILE [--labels=y.npy] [trtexec build flags] "
         "[--scheduler=tcp://host:8786 | --workers=N] [--json=FILE] [--max-top1-drop=POINTS] "
         "[--on-bad-sample=fail|skip] [--batch=N] [--per-layer] [--worst=K] [--shard-size=N]")

# eval's own flags: name -> takes a value.
OWN = {"--data": True, "--labels": True, "--scheduler": True, "--workers": True, "--json": True,
       "--max-top1-drop": True, "--on-bad-sample": True, "--batch": True, "--per-layer": False,
       "--worst": True, "--shard-size": True}
# trtexec's build flags -> Model.build keyword (values as the module checks them).
BUILD_VALUE = {"--useDLACore": "dla_core", "--calib": "calib", "--platform": "platform",
               "--powerMode": "power_mode", "--precisionConstraints": "precision_constraints",
               "--sparsity": "sparsity", "--inputIOFormats": "input_formats",
               "--outputIOFormats": "output_formats"}
BUILD_LIST = {"--layerPrecisions": "layer_precisions", "--layerOutputTypes": "layer_output_types",
              "--layerDeviceTypes": "layer_devices", "--memPoolSize": "mem_pool"}
BUILD_BARE = {"--allowGPUFallback": "allow_gpu_fallback", "--buildDLAStandalone": "standalone",
              "--stronglyTyped": "strongly_typed"}
PRECISION = {"--int8", "--fp16", "--best"}


class Usage(Exception):
    pass


def _integer(flag, v, low):
    if not v.isdigit() or int(v) < low:
        raise Usage(f"{flag}: '{v}' is not an integer >= {low}")
    return int(v)


def _pairs(flag, v):
    """trtexec's 'name:value,name:value' (the last ':' splits: layer names may hold ':')."""
    out = []
    for item in v.split(","):
        name, sep, value = item.rpartition(":")
        if not sep or not name or not value:
            raise Usage(f"{flag}: '{item}' is not name:value")
        out.append((name, value))
    return out


def parse(argv):
    """(model, own flags {name: value}, Model.build keywords)."""
    model, own, build, precisions = None, {}, {}, set()
    for arg in argv:
        if not arg.startswith("--"):
            if model is not None:
                raise Usage(f"'{arg}': one model only ({USAGE})")
            model = arg
            continue
        flag, eq, value = arg.partition("=")
        if flag in OWN:
            if OWN[flag] and not value:
                raise Usage(f"{flag}: give a value ({flag}=...)")
            if not OWN[flag] and eq:
                raise Usage(f"{flag} takes no value")
            own[flag] = value
        elif flag in PRECISION:
            if eq:
                raise Usage(f"{flag} takes no value")
            precisions.add(flag)
        elif flag in BUILD_BARE:
            if eq:
                raise Usage(f"{flag} takes no value")
            build[BUILD_BARE[flag]] = True
        elif flag in BUILD_VALUE or flag in BUILD_LIST:
            if not value:
                raise Usage(f"{flag}: give a value ({flag}=...)")
            if flag == "--useDLACore":
                build["dla_core"] = _integer(flag, value, 0)
            elif flag == "--memPoolSize":
                build["mem_pool"] = {k: _number(flag, v) for k, v in _pairs(flag, value)}
            elif flag in BUILD_LIST:
                build[BUILD_LIST[flag]] = _pairs(flag, value)
            else:
                build[BUILD_VALUE[flag]] = value
        else:
            raise Usage(f"{flag}: not a flag of dlasim eval ({USAGE})")
    if model is None or "--data" not in own:
        raise Usage(USAGE)
    if precisions:
        build["precision"] = ("best" if "--best" in precisions or precisions == {"--int8", "--fp16"}
                              else precisions.pop()[2:])
    if "--scheduler" in own and "--workers" in own:
        raise Usage("--scheduler and --workers exclude each other (workers are the cluster's)")
    return model, own, build


def _number(flag, v):
    try:
        x = float(v)
    except ValueError:
        raise Usage(f"{flag}: '{v}' is not a number") from None
    if not math.isfinite(x) or x < 0:
        raise Usage(f"{flag}: '{v}' is not a finite non-negative number")
    return x


def _progress_bar():
    if not sys.stdout.isatty():
        return None

    def show(done, total):
        filled = 40 * done // max(total, 1)
        print(f"\rEvaluating [{'#' * filled}{'.' * (40 - filled)}] {done}/{total} shards",
              end="\n" if done == total else "", flush=True)
    return show


def _report(r, seconds):
    lines = [f"dlasim eval: {r['model']}: {r['evaluated']} of {r['samples']} samples in "
             f"{r['shards']} shards (batch {r['batch']}) on {r['workers']} workers, "
             f"{seconds:.1f} s ({r['evaluated'] / max(seconds, 1e-9):.1f} samples/s)"]
    for name, o in r["outputs"].items():
        a, rel = o["absolute"], o["relative"]
        lines.append(f"output '{name}': cosine {o['cosine']:.6f}; absolute mean {a['mean']:.4g} "
                     f"median {a['median']:.4g} max {a['max']:.4g} (sample "
                     f"{a['argmax']['sample']}); relative mean {rel['mean']:.4g} median "
                     f"{rel['median']:.4g} max {rel['max']:.4g}")
        c = o["classes"]
        if c:
            if "top1_drop" in c:
                lines.append(f"  top-1: FP32 {c['reference_top1']:.2f} %, emulated "
                             f"{c['emulated_top1']:.2f} % (drop {c['top1_drop']:.2f} points); "
                             f"top-5: FP32 {c['reference_top5']:.2f} %, emulated "
                             f"{c['emulated_top5']:.2f} %")
            lines.append(f"  agreement with FP32: top-1 {c['top1_agreement']:.2f} %, top-5 "
                         f"{c['top5_agreement']:.2f} %")
            by = [(k, n) for k, n in enumerate(c["disagreements_by_class"]) if n]
            if by:
                lines.append("  disagreements by class: " +
                             ", ".join(f"{k}: {n}" for k, n in by))
        lines.append("  worst samples (max |difference|): " +
                     ", ".join(f"{w['index']} ({w['max_abs']:.4g})" for w in o["worst"]))
    if r["layers"]:
        worst = max((l for l in r["layers"] if l["compared"]),
                    key=lambda l: l["mean_relative_error"], default=None)
        if worst:
            lines.append(f"per layer: largest mean relative error {worst['mean_relative_error']:.4g}"
                         f" in {worst['name']} ({worst['device']} {worst['precision']})")
    for s in r["skipped"]:
        lines.append(f"skipped sample {s['index']}: {s['reason']}")
    return lines


def _gate(r, limit):
    """(passed, message) of --max-top1-drop: with labels the drop of top-1 accuracy, without
    them the share of samples whose top-1 class changed, in percentage points."""
    drops = []
    for name, o in r["outputs"].items():
        c = o["classes"]
        if c:
            drops.append((name, c["top1_drop"] if "top1_drop" in c else 100.0 - c["top1_agreement"],
                          "top-1 drop" if "top1_drop" in c else "top-1 changed"))
    if not drops:
        raise dlasim.InputError("--max-top1-drop: no output looks like class scores ([N, C])")
    failed = [d for d in drops if not d[1] <= limit]
    shown = failed or drops
    text = ", ".join(f"'{n}' {what} {d:.2f}" for n, d, what in shown)
    return not failed, f"{text} {'>' if failed else '<='} {limit:g} points"


def main(argv):
    try:
        model, own, build = parse(argv)
        limit = _number("--max-top1-drop", own["--max-top1-drop"]) if "--max-top1-drop" in own \
            else None
        workers = _integer("--workers", own["--workers"], 1) if "--workers" in own else None
        client = own.get("--scheduler")
        if client is not None and not client.startswith(("tcp://", "tls://", "inproc://")):
            raise Usage(f"--scheduler: '{client}' is not a scheduler address (tcp://host:port)")
        json_file = own.get("--json")
        reads = [model, own["--data"]] + [own[f] for f in ("--labels",) if f in own]
        reads += [build["calib"]] if "calib" in build else []
        if json_file and any(os.path.exists(f) and os.path.samefile(json_file, f)
                             for f in reads if os.path.exists(json_file)):
            raise dlasim.InputError(f"--json: {json_file} is a file this run reads; give "
                                    "another name")
        t0 = time.monotonic()
        r = distributed.evaluate(
            model, own["--data"], labels=own.get("--labels"), build=build, client=client,
            batch=_integer("--batch", own.get("--batch", "32"), 1), workers=workers,
            per_layer="--per-layer" in own, worst=_integer("--worst", own.get("--worst", "10"), 0),
            on_bad_sample=own.get("--on-bad-sample", "fail"),
            shard_size=_integer("--shard-size", own["--shard-size"], 1)
            if "--shard-size" in own else None, progress=_progress_bar())
        seconds = time.monotonic() - t0
        print("\n".join(_report(r, seconds)))
        verdict = None
        if limit is not None:
            verdict = _gate(r, limit)
            r["gate"] = {"max_top1_drop": limit, "passed": verdict[0], "message": verdict[1]}
        if json_file:
            dlasim.write_file_safely(json_file, json.dumps(r, indent=2) + "\n", reads)
        if verdict and not verdict[0]:
            print(f"&&&& FAILED dlasim eval: {verdict[1]}")
            return 1
        print("&&&& PASSED dlasim eval" + (f": {verdict[1]}" if verdict else ""))
        return 0
    except Usage as e:
        print(f"dlasim: error: {e}", file=sys.stderr)
        return 2
    except dlasim.VerdictError as e:
        print(f"dlasim: build failed: {e}", file=sys.stderr)
        return 1
    except dlasim.InputError as e:
        print(f"dlasim: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dlasim: error: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a worker's failure (e.g. a shard that killed every worker it ran on)
        msg = str(e).splitlines()[0] if str(e) else ""
        print(f"dlasim: error: {type(e).__name__}: {msg}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
