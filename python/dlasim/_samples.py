"""Where each sample of a data set lives, and reading a range of them (dlasim.distributed).

A data set is a .npy file of N samples ([N, sample...], or [sample...] for one), a folder of such
files and of raw little-endian files holding whole samples (hidden files and subfolders skipped,
in name order: what `dlasim calibrate --data` reads), or a list of file paths. Only headers are
read when the data set is located; samples are read shard by shard on the workers.
"""
import os

import numpy as np
from numpy.lib import format as npy_format

from dlasim import InputError


class Chunk:
    """Consecutive samples in one file: `count` of them at byte `offset`, or a file that cannot
    be read (`bad` says why; it counts as `count` samples, one when its header is unreadable)."""

    def __init__(self, path, offset, count, bad=None):
        self.path, self.offset, self.count, self.bad = path, offset, count, bad


class Samples:
    """The samples of a data set for one model input (`dtype`, `sample_shape`)."""

    def __init__(self, chunks, dtype, sample_shape):
        self.chunks, self.dtype, self.sample_shape = chunks, np.dtype(dtype), tuple(sample_shape)
        self.size = sum(c.count for c in chunks)

    @property
    def sample_bytes(self):
        return int(np.prod(self.sample_shape, dtype=np.int64)) * self.dtype.itemsize

    def bad_chunks(self):
        """[(first sample index, chunk)] of files that cannot be read."""
        at, bad = 0, []
        for c in self.chunks:
            if c.bad:
                bad.append((at, c))
            at += c.count
        return bad

    def read(self, first, count, check_values=True):
        """Samples [first, first + count): (array of the good ones stacked, their indices, and
        {index: why} for the bad ones: a file that cannot be read, or with check_values a
        sample holding NaN or infinity)."""
        good, indices, bad = [], [], {}
        at, end = 0, first + count
        for c in self.chunks:
            lo, hi = max(first, at), min(end, at + c.count)
            if lo < hi:
                if c.bad:
                    bad.update({i: f"{c.path}: {c.bad}" for i in range(lo, hi)})
                else:
                    block = self._read_chunk(c, lo - at, hi - lo)
                    for k in range(hi - lo):
                        x = block[k]
                        if check_values and x.dtype.kind == "f" and not np.isfinite(x).all():
                            bad[lo + k] = f"{c.path}: sample holds NaN or infinity"
                        else:
                            good.append(x)
                            indices.append(lo + k)
            at += c.count
            if at >= end:
                break
        array = (np.stack(good) if good else
                 np.empty((0,) + self.sample_shape, self.dtype))
        return np.ascontiguousarray(array), indices, bad

    def _read_chunk(self, c, skip, n):
        one = self.sample_bytes
        with open(c.path, "rb") as f:
            f.seek(c.offset + skip * one)
            raw = f.read(n * one)
        if len(raw) != n * one:
            raise InputError(f"{c.path}: changed or unreadable while being read")
        return np.frombuffer(raw, self.dtype.newbyteorder("<")).astype(
            self.dtype, copy=False).reshape((n,) + self.sample_shape)


def _npy_chunk(path, dtype, sample_shape, sample_bytes):
    size = os.path.getsize(path)
    try:
        with open(path, "rb") as f:
            version = npy_format.read_magic(f)
            header = (npy_format.read_array_header_1_0 if version == (1, 0) else
                      npy_format.read_array_header_2_0)
            shape, fortran, descr = header(f)
            offset = f.tell()
    except (ValueError, OSError, EOFError, SyntaxError) as e:
        return Chunk(path, 0, 1, f"not a readable .npy file ({e})")
    if descr.str != dtype.newbyteorder("<").str and descr != dtype:
        return Chunk(path, 0, 1, f"array type '{descr.str}' does not match the input's "
                                 f"'{dtype.newbyteorder('<').str}'")
    if fortran:
        return Chunk(path, 0, 1, "Fortran-order arrays are not supported")
    if tuple(shape) == sample_shape:
        count = 1
    elif len(shape) == len(sample_shape) + 1 and tuple(shape[1:]) == sample_shape:
        count = int(shape[0])
    else:
        return Chunk(path, 0, 1, f"array shape {'x'.join(map(str, shape))} does not hold "
                                 f"samples of {'x'.join(map(str, sample_shape))}")
    if count == 0:
        return Chunk(path, 0, 0)
    if size - offset != count * sample_bytes:
        return Chunk(path, 0, count, f"holds {max(size - offset, 0)} data bytes, {count} "
                                     f"samples need {count * sample_bytes}")
    return Chunk(path, offset, count)


def _raw_chunk(path, sample_bytes):
    size = os.path.getsize(path)
    if size == 0 or size % sample_bytes:
        return Chunk(path, 0, max(size // sample_bytes, 1),
                     f"{size} bytes is not a whole number of samples ({sample_bytes} bytes each)")
    return Chunk(path, 0, size // sample_bytes)


def locate(data, dtype, sample_shape):
    """The Samples of `data` (a path or a list of paths). A missing file or folder, or an empty
    folder, raises InputError; a file that cannot be read becomes a bad chunk (the caller's
    on_bad_sample policy decides)."""
    dtype, sample_shape = np.dtype(dtype), tuple(int(d) for d in sample_shape)
    if isinstance(data, (str, os.PathLike)):
        path = os.fspath(data)
        if not os.path.exists(path):
            raise InputError(f"{path}: no such file or folder")
        if os.path.isdir(path):
            names = sorted(n for n in os.listdir(path)
                           if not n.startswith(".") and os.path.isfile(os.path.join(path, n)))
            if not names:
                raise InputError(f"{path}: the folder holds no data files (.npy or raw)")
            files = [os.path.join(path, n) for n in names]
        else:
            files = [path]
    else:
        files = [os.fspath(p) for p in data]
        if not files:
            raise InputError("data: the list of files is empty")
        for f in files:
            if not os.path.isfile(f):
                raise InputError(f"{f}: no such file")
    one = int(np.prod(sample_shape, dtype=np.int64)) * dtype.itemsize
    chunks = [_npy_chunk(f, dtype, sample_shape, one) if f.endswith(".npy") else
              _raw_chunk(f, one) for f in files]
    samples = Samples([c for c in chunks if c.count], dtype, sample_shape)
    if samples.size == 0:
        raise InputError(f"{os.fspath(data) if isinstance(data, (str, os.PathLike)) else 'data'}"
                         ": holds no samples")
    return samples
