"""What a worker does with one shard of a data set (dlasim.distributed): run the emulated plan and
the FP32 reference on its samples and keep the statistics that merge exactly, or calibrate on
them. Everything here is a plain function of picklable values so Dask can send and retry it.
"""
import ctypes
import os

import numpy as np

import dlasim

_MODELS = {}  # (model path, file identities, shapes, build) -> (Model, Plan), once per process
_HEAP_RESTORED = False
_ZERO_GUARD = 2.22e-16  # Polygraphy's guard for the relative error of a zero reference


def _key(job, build):
    # The files' identity is in the key: a long-lived worker must not keep a plan of a model or
    # cache that has since been replaced at the same path.
    return (job["model"], job["files"], repr(sorted(job["shapes"].items())),
            repr(sorted(job["build"].items())) if build else "")


def _restore_malloc_heap():
    """Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which turns glibc's dynamic
    mmap threshold off: every activation buffer of a few MB is then mmap'ed and unmapped again,
    page faults and all, and INT8 ResNet-50 ran 4x slower per core (400 instead of 100 CPU-ms an
    image, bench/distributed_throughput.py). Keep such buffers on the heap (glibc's own
    ceiling for the dynamic threshold, 32 MiB) and trim only large free tops."""
    if "MALLOC_TRIM_THRESHOLD_" not in os.environ:
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h
    libc.mallopt(M_MMAP_THRESHOLD, 32 << 20)
    libc.mallopt(M_TRIM_THRESHOLD, 256 << 20)


def model_and_plan(job, build=True):
    """The job's model (loaded at the evaluation batch) and plan, made once per process."""
    global _HEAP_RESTORED
    if not _HEAP_RESTORED:
        _restore_malloc_heap()
        _HEAP_RESTORED = True
    key = _key(job, build)
    if key not in _MODELS:
        _MODELS.clear()  # one plan per worker process: the newest job's
        model = dlasim.load(job["model"], shapes=job["shapes"])
        plan = model.build(**job["build"]) if build else None
        if plan is not None and plan.uses_dynamic_scales:
            # No cache: INT8 scales are MinMax over the first run's inputs, and the single-process
            # run's first batch is the data set's first: every worker runs it first.
            x, _, _ = job["samples"].read(0, job["batch"], check_values=True)
            if not len(x):
                raise dlasim.InputError("INT8 without a calibration cache takes its scales from "
                                        "the data set's first batch, which holds no good sample:"
                                        " give a cache (calib)")
            plan.run({job["input"]: _padded(x, job["batch"])})
        _MODELS[key] = (model, plan)
    return _MODELS[key]


def _padded(x, batch):
    """A batch of `batch` samples: a short one padded with repeats of its own samples (sample i
    at position i % len(x)), as dlasim calibrate pads."""
    if len(x) == batch:
        return x
    return x[np.arange(batch) % len(x)]


def _read(job, first, count, check_values):
    x, indices, bad = job["samples"].read(first, count, check_values)
    if bad and job["on_bad_sample"] == "fail":
        index = min(bad)
        raise dlasim.InputError(f"sample {index}: {bad[index]} (on_bad_sample='skip' skips it)")
    return x, indices, bad


def _argmax(v):
    """Row-wise index of the largest value: NaN never wins, the first of equal values."""
    return np.argmax(np.where(np.isnan(v), -np.inf, v), axis=1)


def _in_top5(v, k):
    """Per row: is class k[r] among the 5 largest of row r (ties broken by index)?"""
    rows = np.arange(len(v))
    x = v[rows, k][:, None]
    j = np.arange(v.shape[1])[None, :]
    return ((v > x) | ((v == x) & (j < k[:, None]))).sum(axis=1) < 5


def class_count(shape):
    """The class count of an output that looks like class scores ([N, C], or [N, C, 1, 1] and
    alike, C >= 2: what dlasim compare reports top-1 for), else 0."""
    wide = [d for d in shape[1:] if d > 1]
    return wide[0] if len(wide) == 1 and wide[0] >= 2 and len(shape) >= 2 else 0


def _output_stats(ref, out, indices, labels, worst):
    n = len(indices)
    y = ref.astype(np.float64).reshape(n, -1)
    x = out.astype(np.float64).reshape(n, -1)
    absd = np.abs(x - y)
    reld = absd / np.maximum(np.abs(y), _ZERO_GUARD)
    s = {"elements": absd.size, "sum_abs": float(np.sum(absd)), "sum_rel": float(np.sum(reld)),
         "dot": float(np.sum(x * y)), "nx": float(np.sum(x * x)), "ny": float(np.sum(y * y))}
    for name, d in (("abs", absd), ("rel", reld)):
        flat = d.ravel()
        nan = np.flatnonzero(np.isnan(flat))
        at = int(nan[0]) if len(nan) else int(np.argmax(flat))  # NaN is the largest
        s["max_" + name] = (float(flat[at]), indices[at // d.shape[1]], at % d.shape[1])
    per_sample = np.nan_to_num(absd.max(axis=1), nan=np.inf)
    order = np.lexsort((np.asarray(indices), -per_sample))[:worst]
    s["worst"] = [(float(per_sample[i]), indices[i]) for i in order]
    classes = class_count(ref.shape)
    if classes:
        ys, xs = y.reshape(n, classes), x.reshape(n, classes)
        ref1, emu1 = _argmax(ys), _argmax(xs)
        c = {"rows": n, "agree_top1": int(np.sum(ref1 == emu1)),
             "agree_top5": int(np.sum(_in_top5(xs, ref1)))}
        klass = ref1
        if labels is not None:
            lab = labels
            klass = lab
            c.update(ref_top1=int(np.sum(ref1 == lab)), emu_top1=int(np.sum(emu1 == lab)),
                     ref_top5=int(np.sum(_in_top5(ys, lab))),
                     emu_top5=int(np.sum(_in_top5(xs, lab))))
        c["disagree_by_class"] = np.bincount(klass[ref1 != emu1], minlength=classes).tolist()
        s["classes"] = c
    return s, np.sort(absd.ravel()), np.sort(reld.ravel())


def _layer_stats(reports):
    """Per layer over a shard's batches: what merges exactly (sums, extremes, counts)."""
    layers = []
    for i, l in enumerate(reports[0].layers):
        ls = [r.layers[i] for r in reports]
        done = [x for x in ls if x.compared]
        layers.append({
            "name": l.name, "type": l.type, "output": l.output, "device": l.device,
            "precision": l.precision, "compared": bool(done), "fused_into": l.fused_into,
            "batches": len(done), "sum_rel": float(sum(x.relative_error for x in done)),
            "max_rel": max((x.relative_error for x in done), default=0.0),
            "min_cosine": min((x.cosine for x in done), default=1.0),
            "max_abs": max((x.max_abs for x in done), default=0.0),
            "sum_mean_abs": float(sum(x.mean_abs for x in done)),
            "jumps": sum(bool(x.jump) for x in done)})
    return layers


def evaluate_shard(job, first, count, labels):
    """Samples [first, first + count): both runs batch by batch; returns the shard's mergeable
    statistics ("summary") and its sorted differences per output ("diffs", for the exact
    median; they stay on the worker)."""
    model, plan = model_and_plan(job)
    x, indices, bad = _read(job, first, count, check_values=True)
    name, batch = job["input"], job["batch"]
    refs, outs, reports = {}, {}, []
    for at in range(0, len(x), batch):
        xb = x[at:at + batch]
        valid = len(xb)
        inputs = {name: _padded(xb, batch)}
        if job["per_layer"]:
            report = dlasim.compare_per_layer(plan, inputs)
            ref, out = report.reference, report.emulated
            reports.append(report)
        else:
            ref, out = model.run(inputs), plan.run(inputs)
        for o, r in ref.items():
            if r.ndim == 0 or r.shape[0] != batch:
                raise dlasim.InputError(f"output '{o}' has shape {'x'.join(map(str, r.shape))}: "
                                        f"evaluation needs outputs whose first dimension is the "
                                        f"batch ({batch})")
            refs.setdefault(o, []).append(r[:valid])
            outs.setdefault(o, []).append(out[o][:valid])
    summary = {"first": first, "count": count, "valid": len(indices),
               "bad": sorted(bad.items()), "outputs": {}, "layers": None}
    diffs = {}
    if indices:
        lab = None if labels is None else np.asarray(labels)[np.asarray(indices) - first]
        for o in refs:
            stats, absd, reld = _output_stats(np.concatenate(refs[o]), np.concatenate(outs[o]),
                                              indices, lab, job["worst"])
            summary["outputs"][o] = stats
            diffs[o] = {"abs": absd, "rel": reld}
        if reports:
            summary["layers"] = _layer_stats(reports)
    return {"summary": summary, "diffs": diffs}


def summary(shard):
    return shard["summary"]


def prefix_counts(shard, output, which, prefix, prefix_bits, bits):
    """For the exact median: among the shard's differences whose float64 bit pattern starts with
    `prefix` (its top `prefix_bits` bits), how many have each value of the top `bits` bits."""
    d = shard["diffs"].get(output)
    if d is None:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    v = d[which].view(np.uint64)  # sorted non-negative floats sort as their bit patterns
    if prefix_bits:
        shift = np.uint64(64 - prefix_bits)
        lo = np.uint64(prefix) << shift
        hi = lo + (np.uint64(1) << shift) if prefix_bits < 64 else lo + np.uint64(1)
        v = v[np.searchsorted(v, lo):np.searchsorted(v, hi) if hi > lo else len(v)]
    keys, counts = np.unique(v >> np.uint64(64 - bits), return_counts=True)
    return keys, counts


def calibrate_shard(job, first, count):
    """Calibration statistics of samples [first, first + count) (first a multiple of the batch,
    so its batches are the single-process run's), and the bad samples skipped."""
    model, _ = model_and_plan(job, build=False)
    x, indices, bad = _read(job, first, count, check_values=False)
    if not indices:
        return None, sorted(bad.items())
    stats = model.calibration_statistics({job["input"]: x}, algo=job["algo"])
    return stats, sorted(bad.items())
