"""dlasim.distributed on a 2-worker LocalCluster: evaluation and calibration give bit for bit
what the same data gives in one process, agree with a direct computation, and handle bad samples
and an unreachable scheduler. (The separate-process cluster and the CLI: test_distributed_cli.py;
a worker killed mid-run: test_distributed_faults.py.)"""
import numpy as np
import pytest

import dlasim
from conftest import run_cli
from distributed_support import (BUILD_DIR, INT8_DLA, QUANT, cluster_client,  # noqa: F401
                                 without_placement)

distributed = pytest.importorskip("distributed")
from dlasim.distributed import calibrate, evaluate  # noqa: E402

CLASSIFIER = QUANT / "classifier.onnx"
SAMPLES = 320  # of the classifier's 1000 test images: 10 batches of 32, 3 shards of 128


@pytest.fixture(scope="module")
def test_set(tmp_path_factory):
    d = tmp_path_factory.mktemp("classifier_data")
    np.save(d / "x.npy", np.load(QUANT / "test_x.npy")[:SAMPLES])
    np.save(d / "y.npy", np.load(QUANT / "test_y.npy")[:SAMPLES])
    return d / "x.npy", d / "y.npy"


@pytest.fixture(scope="module")
def entropy_cache(tmp_path_factory):
    """The classifier's entropy cache from dlasim calibrate (the single-process command)."""
    out = tmp_path_factory.mktemp("cache") / "classifier.cache"
    run_cli("calibrate", CLASSIFIER, f"--data={QUANT / 'calib.npy'}", f"--out={out}")
    return out


@pytest.mark.parametrize("algo", ["entropy", "percentile", "minmax"])
def test_calibration_on_two_workers_is_the_commands_cache(cluster_client, tmp_path, algo):
    """Histograms merged from 4 shards give the cache dlasim calibrate writes over the same 500
    images (not per-shard scales: those differ, which the last assertion shows)."""
    data = QUANT / "calib.npy"
    out = tmp_path / "cli.cache"
    run_cli("calibrate", CLASSIFIER, f"--data={data}", f"--out={out}", f"--algo={algo}")
    cache = calibrate(CLASSIFIER, data, algo=algo, client=cluster_client, shard_size=128)
    assert cache.text() == out.read_text()
    assert cache.header == dlasim.CalibrationCache.read(out).header
    one_shard = calibrate(CLASSIFIER, data, algo=algo, client="synchronous", shard_size=10**6)
    assert one_shard.text() == cache.text()
    # Averaging shard scales would not do: the first shard alone differs.
    model = dlasim.load(CLASSIFIER, shapes={"input": (32, 3, 32, 32)})
    first = model.calibration_statistics(data, algo=algo, count=128).cache()
    assert first.text() != cache.text()


def test_statistics_merge_in_any_order_and_pickle():
    import pickle
    model = dlasim.load(CLASSIFIER, shapes={"input": (32, 3, 32, 32)})
    x = np.load(QUANT / "calib.npy")[:192]
    parts = [model.calibration_statistics(x[a:a + 64]) for a in (0, 64, 128)]
    forward, backward = pickle.loads(pickle.dumps(parts[0])), parts[2]
    forward.merge(parts[1])
    forward.merge(parts[2])
    backward.merge(parts[1])
    backward.merge(parts[0])
    assert forward.tensors.keys() == backward.tensors.keys()
    for name, (r, m, c) in forward.tensors.items():
        r2, m2, c2 = backward.tensors[name]
        assert (r, m) == (r2, m2) and np.array_equal(c, c2), name
        assert c.sum() > 0 and r > m >= 0
    whole = model.calibration_statistics(x).cache()
    assert forward.cache().text() == whole.text()
    with pytest.raises(dlasim.InputError, match="cannot merge"):
        forward.merge(model.calibration_statistics(x[:32], algo="minmax"))
    name, (r, m, c) = next(iter(forward.tensors.items()))
    with pytest.raises(dlasim.InputError, match="power-of-two range"):
        dlasim.CalibrationStatistics("entropy", {name: (r * 3, m, c)})


def direct(plan, model, x, batch=32):
    """The oracle: both runs over all samples in batches, outputs stacked."""
    ref, out = [], []
    for a in range(0, len(x), batch):
        xb = x[a:a + batch]
        ref.append(model.run({"input": xb})["output"])
        out.append(plan.run({"input": xb})["output"])
    return np.concatenate(ref).astype(np.float64), np.concatenate(out).astype(np.float64)


def test_classifier_on_two_workers_is_bit_identical_to_one_process(cluster_client, test_set,
                                                                   entropy_cache):
    x_file, y_file = test_set
    build = dict(INT8_DLA, calib=str(entropy_cache))
    done = []
    r = evaluate(CLASSIFIER, x_file, labels=y_file, build=build, client=cluster_client,
                 shard_size=128, progress=lambda d, t: done.append((d, t)))
    assert done[-1] == (3, 3) and r["workers"] == 2 and r["shards"] == 3
    single = evaluate(CLASSIFIER, x_file, labels=y_file, build=build, client="synchronous",
                      shard_size=128)
    assert without_placement(r) == without_placement(single)

    # Against a direct computation over the same 320 images (counts and extremes exactly).
    x, y = np.load(x_file), np.load(y_file)
    model = dlasim.load(CLASSIFIER, shapes={"input": (32, 3, 32, 32)})
    ref, out = direct(model.build(**build), model, x)
    o = r["outputs"]["output"]
    c = o["classes"]
    assert c["counts"]["ref_top1"] == int((ref.argmax(1) == y).sum())
    assert c["counts"]["emu_top1"] == int((out.argmax(1) == y).sum())
    assert c["counts"]["agree_top1"] == int((ref.argmax(1) == out.argmax(1)).sum())
    changed = ref.argmax(1) != out.argmax(1)
    assert c["disagreements_by_class"] == np.bincount(y[changed], minlength=10).tolist()
    d = np.abs(out - ref)
    assert o["absolute"]["max"] == d.max()
    assert o["absolute"]["median"] == np.sort(d.ravel())[d.size // 2]
    assert o["absolute"]["mean"] == pytest.approx(d.mean(), rel=1e-12)
    worst = np.lexsort((np.arange(len(d)), -d.max(1)))[:10]
    assert [w["index"] for w in o["worst"]] == worst.tolist()
    assert o["cosine"] == pytest.approx(
        (ref * out).sum() / np.sqrt((ref * ref).sum() * (out * out).sum()), rel=1e-12)
    # A trained classifier: FP32 is right ~98 % of the time and entropy INT8 stays close.
    assert c["reference_top1"] > 90 and abs(c["top1_drop"]) <= 2


def write_folder(d, x):
    """A folder as users have them: files of several samples and of one, in name order (the
    10 samples before the last 10 in files of their own)."""
    d.mkdir()
    k = len(x) - 20
    np.save(d / "a_000.npy", x[:k])
    for i in range(k, k + 10):
        np.save(d / f"b_{i:03d}.npy", x[i])
    np.save(d / f"c_{k + 10:03d}.npy", x[k + 10:])
    return d


def test_resnet18_per_layer_on_two_workers(cluster_client, tmp_path):
    """Full-size ResNet-18 (3x224x224, 1000 classes; bench/make_resnet18.py) on generated data
    from a folder, per-layer summaries included: identical to one process."""
    x = np.random.default_rng(3).uniform(-1, 1, (40, 3, 224, 224)).astype(np.float32)
    folder = write_folder(tmp_path / "data", x)
    model = BUILD_DIR / "bench" / "resnet18_224.onnx"
    kw = dict(build=INT8_DLA, batch=8, per_layer=True, shard_size=16, worst=3)
    r = evaluate(model, folder, client=cluster_client, **kw)
    single = evaluate(model, folder, client="synchronous", **kw)
    assert without_placement(r) == without_placement(single)
    assert r["evaluated"] == 40 and r["shards"] == 3 and not r["skipped"]
    layers = r["layers"]
    assert len(layers) > 20 and all(l["batches"] == 5 for l in layers if l["compared"])
    assert any(l["precision"] == "INT8" and l["mean_relative_error"] > 0 for l in layers)
    o = r["outputs"]["output"]
    assert o["classes"]["rows"] == 40 and len(o["classes"]["disagreements_by_class"]) == 1000
    assert len(o["worst"]) == 3 and o["absolute"]["max"] == o["worst"][0]["max_abs"]


def test_bad_samples_are_named_and_skipped_or_fail(cluster_client, tmp_path):
    x = np.random.default_rng(5).uniform(-1, 1, (60, 3, 32, 32)).astype(np.float32)
    folder = write_folder(tmp_path / "data", x)
    (folder / "b_042.npy").write_bytes((folder / "b_042.npy").read_bytes()[:200])  # truncated
    bad = np.load(folder / "b_045.npy")
    bad[0, 1, 2] = np.nan
    np.save(folder / "b_045.npy", bad)
    kw = dict(build=INT8_DLA, shard_size=32)
    with pytest.raises(dlasim.InputError, match=r"^sample 42: .*b_042\.npy: .*data bytes"):
        evaluate(CLASSIFIER, folder, client=cluster_client, **kw)
    r = evaluate(CLASSIFIER, folder, client=cluster_client, on_bad_sample="skip", **kw)
    assert [s["index"] for s in r["skipped"]] == [42, 45]
    assert "NaN" in r["skipped"][1]["reason"] and r["evaluated"] == 58
    assert without_placement(r) == without_placement(
        evaluate(CLASSIFIER, folder, client="synchronous", on_bad_sample="skip", **kw))
    # A NaN found only while reading fails the run on the worker, naming the sample.
    (folder / "b_042.npy").unlink()
    with pytest.raises(dlasim.InputError, match=r"^sample 44: .*b_045\.npy: sample holds NaN"):
        evaluate(CLASSIFIER, folder, client=cluster_client, **kw)


def test_bad_arguments_fail_before_any_work(tmp_path):
    x = tmp_path / "x.npy"
    np.save(x, np.zeros((4, 3, 32, 32), np.float32))
    with pytest.raises(dlasim.InputError, match="on_bad_sample: 'maybe'"):
        evaluate(CLASSIFIER, x, client="synchronous", on_bad_sample="maybe")
    with pytest.raises(dlasim.InputError, match=r"labels: .*for 4 samples"):
        evaluate(CLASSIFIER, x, labels=np.zeros(3, np.int64), client="synchronous")
    with pytest.raises(dlasim.InputError, match="class 10 is outside output 'output' of 10"):
        evaluate(CLASSIFIER, x, labels=np.full(4, 10), client="synchronous")
    with pytest.raises(dlasim.InputError, match=r"platform"):
        evaluate(CLASSIFIER, x, build=dict(platform="orin-mini"), client="synchronous")
    with pytest.raises(dlasim.InputError, match=r"array shape 5x5 does not hold"):
        np.save(tmp_path / "bad.npy", np.zeros((5, 5), np.float32))
        evaluate(CLASSIFIER, tmp_path / "bad.npy", client="synchronous")
    with pytest.raises(dlasim.InputError, match=r"no such file or folder"):
        evaluate(CLASSIFIER, tmp_path / "missing", client="synchronous")


def test_unreachable_scheduler_is_one_input_error(tmp_path):
    import socket
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    x = tmp_path / "x.npy"
    np.save(x, np.zeros((4, 3, 32, 32), np.float32))
    with pytest.raises(dlasim.InputError,
                       match=rf"^cannot reach the Dask scheduler at tcp://127.0.0.1:{port} \("):
        evaluate(CLASSIFIER, x, client=f"tcp://127.0.0.1:{port}")


def test_a_scheduler_without_workers_is_an_input_error(tmp_path, monkeypatch):
    """Tasks would wait for ever: evaluate waits WORKER_WAIT_SECONDS for a worker, then says so."""
    import dlasim.distributed as dd
    monkeypatch.setattr(dd, "WORKER_WAIT_SECONDS", 2)
    x = tmp_path / "x.npy"
    np.save(x, np.zeros((4, 3, 32, 32), np.float32))
    with dd.local_cluster(0) as cluster, distributed.Client(cluster) as client:
        with pytest.raises(dlasim.InputError, match=r"^the Dask scheduler at tcp://127.0.0.1:\d+ "
                                                    r"has no workers \(waited 2 s\)"):
            evaluate(CLASSIFIER, x, client=client)


def test_workers_rebuild_when_a_file_is_replaced(cluster_client, tmp_path, test_set,
                                                entropy_cache):
    """Workers keep their plan between calls, but not once the cache file at the same path is
    replaced (CI overwrites files in place); an in-memory cache is sent as its scales."""
    x_file, _ = test_set
    cache_file = tmp_path / "c.cache"
    cache_file.write_text(entropy_cache.read_text())
    build = dict(INT8_DLA, calib=str(cache_file))
    kw = dict(client=cluster_client, shard_size=128)
    good = evaluate(CLASSIFIER, x_file, build=build, **kw)["outputs"]["output"]
    cache = dlasim.CalibrationCache.read(cache_file)
    broken = dlasim.CalibrationCache({k: v / 1000 for k, v in cache.scales.items()}, cache.header)
    broken.save(cache_file)
    bad = evaluate(CLASSIFIER, x_file, build=build, **kw)["outputs"]["output"]
    assert bad["classes"]["top1_agreement"] < good["classes"]["top1_agreement"] - 20
    in_memory = evaluate(CLASSIFIER, x_file, build=dict(INT8_DLA, calib=broken), **kw)
    assert in_memory["outputs"]["output"] == bad
