"""Data-set-scale accuracy and calibration over a Dask cluster (docs/python.md).

    from dlasim.distributed import evaluate, calibrate
    r = evaluate("model.onnx", "val/", labels="val_labels.npy",
                 build=dict(precision="int8", dla_core=0, allow_gpu_fallback=True,
                            calib="model.cache"))
    r["outputs"]["output"]["classes"]["top1_drop"]     # percentage points lost to INT8
    cache = calibrate("model.onnx", "calib/", algo="entropy")

The data set is cut into shards of whole batches; every worker loads the model and builds the
plan once, then runs shards. Shards never depend on the number of workers, and their statistics
are merged in shard order, so a run on any cluster (workers lost and shards retried included)
gives bit for bit the result of client="synchronous", which runs the same shards in this process.
"""
import logging
import math
import os

import numpy as np

import dlasim
from dlasim import _median, _samples, _shards

ON_BAD_SAMPLE = ("fail", "skip")
WORKER_WAIT_SECONDS = 60  # how long a cluster without workers is given to get one


class _InProcess:
    """Runs shards one after the other in this process (client="synchronous")."""

    workers = 1

    def submit_all(self, fn, args, progress):
        results = []
        for i, a in enumerate(args):
            results.append(fn(*a))
            if progress:
                progress(i + 1, len(args))
        return results

    def run(self, fn, items, *args):
        return [fn(item, *args) for item in items]

    def gather(self, items):
        return items


class _OnDask:
    """Runs shards as Dask tasks; a shard's result stays on its worker until gathered."""

    def __init__(self, client):
        self.client = client
        if not client.scheduler_info().get("workers"):
            try:  # tasks would wait for ever
                client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
            except TimeoutError:
                raise dlasim.InputError(f"the Dask scheduler at {client.scheduler.address} has no "
                                        f"workers (waited {WORKER_WAIT_SECONDS} s)") from None
        self.workers = len(client.scheduler_info()["workers"])

    def submit_all(self, fn, args, progress):
        from distributed import as_completed
        futures = [self.client.submit(fn, *a, pure=False) for a in args]
        done = 0
        for f in as_completed(futures):
            if f.status == "error":
                f.result()  # raises the worker's exception here
            done += 1
            if progress:
                progress(done, len(futures))
        return futures

    def run(self, fn, futures, *args):
        return self.client.gather([self.client.submit(fn, f, *args, pure=False) for f in futures])

    def gather(self, futures):
        return self.client.gather(futures)


def local_cluster(workers=None):
    """A LocalCluster of `workers` processes (default one per core) on 127.0.0.1, one thread
    each (a Plan runs one inference at a time), no dashboard, quiet; its workers import dlasim
    from where this process does. Close it (or use it in a `with`)."""
    from distributed import LocalCluster
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.environ.get("PYTHONPATH", "")
    if here not in path.split(os.pathsep):
        os.environ["PYTHONPATH"] = here + (os.pathsep + path if path else "")
    n = (os.cpu_count() or 1) if workers is None else workers
    return LocalCluster(n_workers=n, threads_per_worker=1,
                        processes=True, host="127.0.0.1", dashboard_address=None,
                        # Its HTTP endpoint on a free port: 8787 may be another cluster's.
                        scheduler_kwargs={"dashboard_address": ":0"},
                        silence_logs=logging.ERROR)


class _Session:
    """The executor for `client` (a Client, a scheduler address, "synchronous" or None for a
    LocalCluster of `workers` processes), closed on exit when made here."""

    def __init__(self, client, workers):
        self.client, self.workers, self.owned = client, workers, []

    def __enter__(self):
        if isinstance(self.client, str) and self.client == "synchronous":
            return _InProcess()
        try:
            from distributed import Client
        except ImportError as e:  # scripts/setup.sh installs python3-distributed
            raise dlasim.Error(f"dlasim.distributed needs Dask's distributed ({e})") from e
        if self.client is None:
            cluster = local_cluster(self.workers)
            self.owned.append(cluster)
            self.client = Client(cluster)
            self.owned.insert(0, self.client)
        elif isinstance(self.client, str):
            try:
                self.client = Client(self.client, timeout="10s")
            except (OSError, TimeoutError) as e:
                raise dlasim.InputError(f"cannot reach the Dask scheduler at {self.client} "
                                        f"({str(e).splitlines()[0] if str(e) else type(e).__name__})"
                                        ) from None
            self.owned.append(self.client)
        return _OnDask(self.client)

    def __exit__(self, *exc):
        for x in self.owned:
            x.close()


def _load_for(model, data, batch, input):
    """The model path, its input, the shapes to load it with (a dynamic batch set to `batch`)
    and the located samples."""
    path = os.fspath(model)
    if not os.path.isfile(path):
        raise dlasim.InputError(f"{path}: no such file")
    probe = dlasim.load(path)
    specs = probe.inputs
    if input is None:
        if len(specs) != 1:
            raise dlasim.InputError(f"{path} has {len(specs)} inputs: name the one the data "
                                    "feeds (input=...)")
        spec = specs[0]
    else:
        spec = next((s for s in specs if s.name == input), None)
        if spec is None:
            raise dlasim.InputError(f"{path} has no input '{input}'")
    declared = probe.info.dynamic_inputs.get(spec.name)
    shape = list(spec.shape)
    if declared is not None:
        if any(d < 0 for d in declared[1:]):
            raise dlasim.InputError(f"input '{spec.name}' of {path} has dynamic dimensions "
                                    "beyond the batch: evaluation needs a static sample shape")
        if declared[0] < 0:
            shape[0] = int(batch)
    if int(batch) < 1:
        raise dlasim.InputError(f"batch: {batch} is not a positive integer")
    samples = _samples.locate(data, spec.dtype, shape[1:])
    return path, spec.name, {spec.name: tuple(shape)}, samples


def _identities(*files):
    """(size, modification time) of the files that are paths: what tells workers' cached plans
    apart when a file is replaced at the same path."""
    return tuple((os.stat(f).st_size, os.stat(f).st_mtime_ns) if isinstance(f, (str, os.PathLike))
                 and os.path.isfile(f) else None for f in files)


def _shard_ranges(size, batch, shard_size):
    per = max(int(math.ceil((shard_size or 4 * batch) / batch)), 1) * batch
    return [(a, min(per, size - a)) for a in range(0, size, per)]


def _check_policy(on_bad_sample, samples):
    if on_bad_sample not in ON_BAD_SAMPLE:
        raise dlasim.InputError(f"on_bad_sample: '{on_bad_sample}' is not one of fail, skip")
    bad = samples.bad_chunks()
    if bad and on_bad_sample == "fail":
        index, chunk = bad[0]
        raise dlasim.InputError(f"sample {index}: {chunk.path}: {chunk.bad} "
                                "(on_bad_sample='skip' skips it)")


def _labels_of(labels, size):
    if labels is None:
        return None
    y = np.load(os.fspath(labels)) if isinstance(labels, (str, os.PathLike)) else labels
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != size or y.dtype.kind not in "iu":
        raise dlasim.InputError(f"labels: {y.shape[0] if y.ndim else 0} integer labels of shape "
                                f"{'x'.join(map(str, y.shape))} ({y.dtype}) for {size} samples: "
                                "give one integer class per sample")
    return y.astype(np.int64)


def evaluate(model, data, labels=None, build=None, client=None, batch=32, *, input=None,
             workers=None, per_layer=False, worst=10, on_bad_sample="fail", shard_size=None,
             progress=None):
    """Runs the emulated plan and the FP32 reference over a data set on a Dask cluster and
    reduces the results (the keys are listed in docs/python.md).

    model: an ONNX file every worker can read. data: a .npy of N samples, a folder of .npy /
    raw files, or a list of paths. labels: N integer classes (array or .npy). build: Model.build
    keywords. client: a distributed.Client, a scheduler address ("tcp://host:8786"),
    "synchronous" (this process, no Dask) or None (a LocalCluster of `workers` processes, one
    per core by default). batch: the batch for a dynamic batch dimension (a static one wins).
    per_layer: also every layer's error (dlasim.compare_per_layer per batch). worst: how many
    worst samples to list per output. on_bad_sample: "fail" (InputError naming the sample) or
    "skip" (listed in "skipped"). shard_size: samples per task (whole batches; 4 batches by
    default). progress(done, total): called as shards finish.
    """
    path, name, shapes, samples = _load_for(model, data, batch, input)
    _check_policy(on_bad_sample, samples)
    build = dict(build or {})
    if isinstance(build.get("calib"), dlasim.CalibrationCache):  # sent as its scales
        build["calib"] = dict(build["calib"].scales)
    y = _labels_of(labels, samples.size)
    probe = dlasim.load(path, shapes=shapes)
    probe.build(**build)  # bad keywords fail here, before any worker starts
    if y is not None:
        for o in probe.outputs:
            classes = _shards.class_count(o.shape)
            if classes and len(y) and (y.min() < 0 or y.max() >= classes):
                raise dlasim.InputError(f"labels: class {int(y.max() if y.max() >= classes else y.min())} "
                                        f"is outside output '{o.name}' of {classes} classes")
    del probe
    job = {"model": path, "files": _identities(path, build.get("calib")), "shapes": shapes,
           "build": build, "input": name, "batch": shapes[name][0], "samples": samples,
           "per_layer": bool(per_layer),
           "worst": int(worst), "on_bad_sample": on_bad_sample}
    ranges = _shard_ranges(samples.size, job["batch"], shard_size)
    with _Session(client, workers) as ex:
        args = [(job, a, n, None if y is None else y[a:a + n]) for a, n in ranges]
        shards = ex.submit_all(_shards.evaluate_shard, args, progress)
        summaries = ex.run(_shards.summary, shards)
        result = _reduce(path, job, summaries, y is not None)
        for o, r in result["outputs"].items():
            for which, key in (("abs", "absolute"), ("rel", "relative")):
                r[key]["median"] = _median.exact_median(ex.run, shards, o, which, r["elements"])
        result["workers"] = ex.workers
    return result


def _reduce(path, job, summaries, labelled):
    """Merges the shards' statistics in shard order (so the result never depends on which
    worker ran what)."""
    r = {"model": path, "samples": job["samples"].size, "batch": job["batch"],
         "build": job["build"], "shards": len(summaries),
         "evaluated": sum(s["valid"] for s in summaries),
         "skipped": [{"index": i, "reason": why} for s in summaries for i, why in s["bad"]],
         "outputs": {}, "layers": None}
    for s in summaries:
        for o, t in s["outputs"].items():
            m = r["outputs"].setdefault(o, {"elements": 0, "sum_abs": 0.0, "sum_rel": 0.0,
                                            "dot": 0.0, "nx": 0.0, "ny": 0.0, "max_abs": None,
                                            "max_rel": None, "worst": [], "classes": None})
            for k in ("elements", "sum_abs", "sum_rel", "dot", "nx", "ny"):
                m[k] += t[k]
            for k in ("max_abs", "max_rel"):  # the first largest (NaN the largest) wins
                if m[k] is None or not (t[k][0] <= m[k][0]) and not math.isnan(m[k][0]):
                    m[k] = t[k]
            m["worst"] = sorted(m["worst"] + t["worst"], key=lambda e: (-e[0], e[1]))[:job["worst"]]
            if "classes" in t:
                c = m["classes"] or {k: 0 for k in t["classes"] if k != "disagree_by_class"}
                for k, v in t["classes"].items():
                    if k == "disagree_by_class":
                        c[k] = [a + b for a, b in zip(c.get(k, [0] * len(v)), v)]
                    else:
                        c[k] += v
                m["classes"] = c
        if s["layers"] is not None:
            r["layers"] = _merge_layers(r["layers"], s["layers"])
    r["outputs"] = {o: _output_result(m, labelled) for o, m in r["outputs"].items()}
    if r["layers"] is not None:
        r["layers"] = [_layer_result(l) for l in r["layers"]]
    return r


def _output_result(m, labelled):
    n = m["elements"]
    nx, ny = m["nx"], m["ny"]
    cosine = 1.0 if nx == 0 and ny == 0 else 0.0 if nx == 0 or ny == 0 else \
        m["dot"] / math.sqrt(nx * ny)
    out = {"elements": n, "cosine": cosine,
           "absolute": {"mean": m["sum_abs"] / n, "max": m["max_abs"][0],
                        "argmax": {"sample": m["max_abs"][1], "element": m["max_abs"][2]}},
           "relative": {"mean": m["sum_rel"] / n, "max": m["max_rel"][0],
                        "argmax": {"sample": m["max_rel"][1], "element": m["max_rel"][2]}},
           "worst": [{"index": i, "max_abs": e} for e, i in m["worst"]], "classes": None}
    c = m["classes"]
    if c:
        rows = c["rows"]
        k = {"rows": rows, "top1_agreement": 100.0 * c["agree_top1"] / rows,
             "top5_agreement": 100.0 * c["agree_top5"] / rows,
             "disagreements_by_class": c["disagree_by_class"],
             "counts": {x: v for x, v in c.items() if x not in ("rows", "disagree_by_class")}}
        if labelled:
            k.update({"reference_top1": 100.0 * c["ref_top1"] / rows,
                      "emulated_top1": 100.0 * c["emu_top1"] / rows,
                      "reference_top5": 100.0 * c["ref_top5"] / rows,
                      "emulated_top5": 100.0 * c["emu_top5"] / rows,
                      "top1_drop": 100.0 * (c["ref_top1"] - c["emu_top1"]) / rows})
        out["classes"] = k
    return out


def _merge_layers(into, shard):
    if into is None:
        return [dict(l) for l in shard]
    for a, b in zip(into, shard):
        a["compared"] = a["compared"] or b["compared"]
        for k in ("batches", "sum_rel", "sum_mean_abs", "jumps"):
            a[k] += b[k]
        a["max_rel"], a["max_abs"] = max(a["max_rel"], b["max_rel"]), max(a["max_abs"], b["max_abs"])
        a["min_cosine"] = min(a["min_cosine"], b["min_cosine"])
    return into


def _layer_result(l):
    n = max(l["batches"], 1)
    return {"name": l["name"], "type": l["type"], "output": l["output"], "device": l["device"],
            "precision": l["precision"], "compared": l["compared"], "fused_into": l["fused_into"],
            "batches": l["batches"], "mean_relative_error": l["sum_rel"] / n,
            "max_relative_error": l["max_rel"], "min_cosine": l["min_cosine"],
            "max_abs": l["max_abs"], "mean_abs": l["sum_mean_abs"] / n, "jumps": l["jumps"]}


def calibrate(model, data, algo="entropy", client=None, batch=32, *, input=None, workers=None,
              percentile=99.99, on_bad_sample="fail", shard_size=None, progress=None):
    """The INT8 calibration cache of `data` computed on a Dask cluster: every shard's
    histograms are merged (not its scales), so the cache is the one dlasim calibrate writes
    over the same data and batch. Arguments as evaluate(); algo: "entropy", "minmax",
    "percentile" (with `percentile`). Returns a dlasim.CalibrationCache."""
    if algo not in ("entropy", "minmax", "percentile"):
        raise dlasim.InputError(f"algo: '{algo}' is not one of entropy, minmax, percentile")
    if algo == "percentile" and not (0 < percentile <= 100):
        raise dlasim.InputError(f"percentile: {percentile} is not in (0, 100]")
    path, name, shapes, samples = _load_for(model, data, batch, input)
    _check_policy(on_bad_sample, samples)
    job = {"model": path, "files": _identities(path), "shapes": shapes, "build": {},
           "input": name, "batch": shapes[name][0], "samples": samples, "algo": algo,
           "on_bad_sample": on_bad_sample}
    ranges = _shard_ranges(samples.size, job["batch"], shard_size)
    with _Session(client, workers) as ex:
        parts = ex.gather(ex.submit_all(_shards.calibrate_shard,
                                        [(job, a, n) for a, n in ranges], progress))
    merged = None
    for stats, _ in parts:
        if stats is None:
            continue
        if merged is None:
            merged = stats
        else:
            merged.merge(stats)
    if merged is None:
        raise dlasim.InputError("calibration: every sample was skipped")
    return merged.cache(percentile=percentile)
