#!/usr/bin/python3
"""Throughput of dlasim.distributed on this machine (issue 20): INT8 ResNet-50 (the zoo's, full
size, 3x224x224) emulated on DLA core 0, images per second per core, and the scaling of
dlasim.distributed.evaluate (emulated run + FP32 reference per image) from 1 to 2 workers.

Usage: PYTHONPATH=build/python /usr/bin/python3 bench/distributed_throughput.py [--images=N]
       [--model=build/zoo/resnet50.onnx] [--batch=B]

Timings, not a test: run it on a quiet machine and quote the load average it prints. Besides
wall time it reports CPU time (of this process, or of the workers), which another load on the
machine does not inflate: images per CPU-second is the per-core rate.
"""
import argparse
import os
import pathlib
import resource
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core per process, as Dask's workers run
import numpy as np  # noqa: E402

import dlasim  # noqa: E402
from dlasim.distributed import evaluate, local_cluster  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _cpu_seconds():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=64)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--model", default=str(ROOT / "build" / "zoo" / "resnet50.onnx"))
    a = ap.parse_args()
    from distributed import Client

    tmp = pathlib.Path(tempfile.mkdtemp(prefix="dlasim_bench_"))
    x = np.random.default_rng(0).uniform(-1, 1, (a.images, 3, 224, 224)).astype(np.float32)
    np.save(tmp / "x.npy", x)
    model = dlasim.load(a.model, shapes={"input": (a.batch, 3, 224, 224)})
    model.calibrate({"input": x[:a.batch]}).save(tmp / "resnet50.cache")
    build = dict(precision="int8", dla_core=0, allow_gpu_fallback=True,
                 calib=str(tmp / "resnet50.cache"))
    print(f"load average before: {os.getloadavg()}")

    # One process, one core: the emulated plan alone, then the FP32 reference alone.
    plan = model.build(**build)
    xb = {"input": x[:a.batch]}
    plan.run(xb)
    for name, run in (("INT8 DLA emulation", plan.run), ("FP32 reference", model.run)):
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(0, a.images, a.batch):
            run({"input": x[i:i + a.batch]})
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"one process: {name}: {a.images / wall:.2f} images/s wall, "
              f"{a.images / cpu:.2f} images per CPU-second ({1000 * cpu / a.images:.0f} "
              f"CPU-ms/image)")
    del plan, model

    rates = {}
    for workers in (1, 2):
        with local_cluster(workers) as cluster, Client(cluster) as client:
            kw = dict(build=build, client=client, batch=a.batch, shard_size=a.batch)
            t0 = time.perf_counter()
            evaluate(a.model, tmp / "x.npy", **kw)  # cold: every worker loads and builds
            cold = time.perf_counter() - t0
            c0 = sum(client.run(_cpu_seconds).values())
            t0 = time.perf_counter()
            r = evaluate(a.model, tmp / "x.npy", **kw)  # warm: plans already built
            warm = time.perf_counter() - t0
            cpu = sum(client.run(_cpu_seconds).values()) - c0
        rates[workers] = a.images / warm
        print(f"evaluate, {workers} worker(s): {a.images} images in {warm:.1f} s warm "
              f"({rates[workers]:.2f} images/s, {rates[workers] / workers:.2f} per worker), "
              f"{cold:.1f} s cold; workers' CPU {cpu:.1f} s ({a.images / cpu:.2f} images per "
              f"CPU-second); top-1 agreement "
              f"{r['outputs']['output']['classes']['top1_agreement']:.1f} %")
    print(f"scaling 1 -> 2 workers: x{rates[2] / rates[1]:.2f}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
