"""A worker process killed (SIGKILL) while dlasim.distributed.evaluate runs: Dask reruns the
shards it was running or held, and the result is the single-process one, bit for bit."""
import os
import signal

import numpy as np
import pytest

from distributed_support import INT8_DLA, ZOO, without_placement

distributed = pytest.importorskip("distributed")
from dlasim.distributed import evaluate, local_cluster  # noqa: E402


def test_killed_worker_loses_no_shard(tmp_path):
    x = np.random.default_rng(11).uniform(-1, 1, (96, 3, 64, 64)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    model = ZOO / "resnet18.onnx"
    kw = dict(build=INT8_DLA, batch=8, shard_size=8)  # 12 shards
    with local_cluster(2) as cluster, distributed.Client(cluster) as client:
        client.wait_for_workers(2, timeout=60)
        before = client.run(os.getpid)
        killed = {}

        def kill_one(done, total):
            if killed:
                return
            # A worker running a shard now, or holding finished ones: both are lost with it.
            busy = {a: list(k) for a, k in client.processing().items() if k}
            held = {a: list(k) for a, k in client.has_what().items() if k}
            addr = next(iter(busy or held))
            os.kill(before[addr], signal.SIGKILL)
            killed.update(addr=addr, pid=before[addr], running=busy.get(addr, []),
                          held=held.get(addr, []), after=done, total=total)

        r = evaluate(model, tmp_path / "x.npy", client=client, progress=kill_one, **kw)
        client.wait_for_workers(2, timeout=60)  # the nanny restarts the killed one
        after = client.run(os.getpid)
    assert killed and killed["running"] + killed["held"], killed
    assert killed["pid"] not in after.values()
    single = evaluate(model, tmp_path / "x.npy", client="synchronous", **kw)
    assert without_placement(r) == without_placement(single)
    assert r["evaluated"] == 96 and not r["skipped"]
    o = r["outputs"]["output"]
    print(f"\nkilled worker {killed['addr']} (pid {killed['pid']}) after {killed['after']} of "
          f"{killed['total']} shards; it was running {len(killed['running'])} and holding "
          f"{len(killed['held'])} shard results; restarted as pid "
          f"{sorted(set(after.values()) - set(before.values()))}; result identical to one "
          f"process: {r['evaluated']} samples, top-1 agreement "
          f"{o['classes']['top1_agreement']:.2f} %, max |difference| {o['absolute']['max']:.6g}, "
          f"median {o['absolute']['median']:.6g}, cosine {o['cosine']:.9f}")
