"""The exact median of differences spread over shards (dlasim.distributed), without gathering
them: non-negative float64 values sort as their bit patterns, so the element of rank k is found
16 bits at a time, each round asking every shard how many of its values have each next 16-bit
prefix under the prefix found so far. Four small rounds; the differences stay where they are.
"""
import numpy as np

from dlasim import _shards


def exact_median(run, shards, output, which, total):
    """The element of rank total // 2 of the sorted differences (dlasim.compare's median: the
    upper one of an even count). `run(fn, shards, *args)` applies fn(shard, *args) to every
    shard and returns the results in order."""
    rank = total // 2
    prefix, prefix_bits = 0, 0
    for bits in (16, 32, 48, 64):
        parts = run(_shards.prefix_counts, shards, output, which, prefix, prefix_bits, bits)
        keys = np.concatenate([k for k, _ in parts])
        counts = np.concatenate([c for _, c in parts])
        unique, inverse = np.unique(keys, return_inverse=True)
        merged = np.bincount(inverse, weights=counts, minlength=len(unique)).astype(np.int64)
        cumulative = np.cumsum(merged)
        at = int(np.searchsorted(cumulative, rank, side="right"))
        rank -= int(cumulative[at - 1]) if at else 0
        prefix, prefix_bits = int(unique[at]), bits
    return float(np.array([prefix], np.uint64).view(np.float64)[0])
