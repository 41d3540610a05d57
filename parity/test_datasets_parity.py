"""keras.datasets and keras.utils.get_file against real Keras 3, offline.

Generated dataset files are placed in one temporary cache that both real Keras and minitf
read.  Keras's expected hashes are literals inside its loaders, so its hash check is
patched to accept the generated files; minitf's loaders are given the generated files'
real hashes (its own check stays on).  Arrays are then compared exactly: values, dtypes,
shapes and splits.
"""
import gzip
import hashlib
import io
import json
import os
import pathlib
import pickle
import re
import tarfile

import numpy as np
import pytest

import minitf as tf
from minitf.keras.datasets import (_common, boston_housing, california_housing, cifar100,
                                   imdb, mnist, reuters)


@pytest.fixture
def keras_real(tf_real):
    import keras
    return keras


@pytest.fixture
def cache(tmp_path, monkeypatch, keras_real):
    """One KERAS_HOME for both libraries; nothing may be downloaded."""
    from keras.src.backend import config
    from keras.src.utils import file_utils as keras_file_utils
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(config, "_KERAS_DIR", str(tmp_path))
    monkeypatch.setattr(keras_file_utils, "validate_file", lambda *a, **k: True)
    monkeypatch.setattr(_common, "KERAS_ORIGIN", "http://127.0.0.1:9/no-network/")
    monkeypatch.setattr(_common, "CIFAR_ORIGIN", "http://127.0.0.1:9/no-network/")
    (tmp_path / "datasets").mkdir()
    return tmp_path


def place(cache, monkeypatch, module, name, data, attr="_SHA256"):
    (cache / "datasets" / name).write_bytes(data)
    if attr is not None:
        digest = hashlib.md5(data) if "MD5" in attr else hashlib.sha256(data)
        monkeypatch.setattr(module, attr, digest.hexdigest())


def npz_bytes(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def objects(seqs):
    out = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):
        out[i] = [int(v) for v in s]
    return out


def assert_same(ours, theirs):
    """Nested tuples of arrays equal element for element, with equal dtypes and shapes."""
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same(a, b)
        return
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    if theirs.dtype == object:
        assert [list(r) for r in ours] == [list(r) for r in theirs]
    else:
        assert np.array_equal(ours, theirs)


def test_mnist(cache, monkeypatch, keras_real):
    rng = np.random.RandomState(0)
    data = npz_bytes(x_train=rng.randint(0, 256, (6, 28, 28)).astype("uint8"),
                     y_train=rng.randint(0, 10, 6).astype("uint8"),
                     x_test=rng.randint(0, 256, (3, 28, 28)).astype("uint8"),
                     y_test=rng.randint(0, 10, 3).astype("uint8"))
    place(cache, monkeypatch, mnist, "mnist.npz", data)
    assert_same(tf.keras.datasets.mnist.load_data(), keras_real.datasets.mnist.load_data())


def test_fashion_mnist(cache, keras_real):
    rng = np.random.RandomState(1)
    sub = cache / "datasets" / "fashion-mnist"
    sub.mkdir()
    for prefix, n in (("train", 5), ("t10k", 2)):
        labels = rng.randint(0, 10, n).astype("uint8")
        images = rng.randint(0, 256, (n, 28, 28)).astype("uint8")
        (sub / f"{prefix}-labels-idx1-ubyte.gz").write_bytes(
            gzip.compress(b"\0\0\x08\x01" + n.to_bytes(4, "big") + labels.tobytes()))
        (sub / f"{prefix}-images-idx3-ubyte.gz").write_bytes(gzip.compress(
            b"\0\0\x08\x03" + n.to_bytes(4, "big") + b"\0\0\0\x1c" * 2 + images.tobytes()))
    assert_same(tf.keras.datasets.fashion_mnist.load_data(),
                keras_real.datasets.fashion_mnist.load_data())


def _cifar100_tar():
    rng = np.random.RandomState(2)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, n in (("train", 4), ("test", 3)):
            batch = {b"data": rng.randint(0, 256, (n, 3072)).astype("uint8"),
                     b"fine_labels": [int(v) for v in rng.randint(0, 100, n)],
                     b"coarse_labels": [int(v) for v in rng.randint(0, 20, n)]}
            payload = pickle.dumps(batch, protocol=4)
            info = tarfile.TarInfo(f"cifar-100-python/{name}")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    return buf.getvalue()


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100(cache, monkeypatch, keras_real, label_mode):
    place(cache, monkeypatch, cifar100, "cifar-100-python-target_archive", _cifar100_tar())
    assert_same(tf.keras.datasets.cifar100.load_data(label_mode=label_mode),
                keras_real.datasets.cifar100.load_data(label_mode=label_mode))


def _sequences(rng, n, vocab):
    return objects([rng.randint(1, vocab, rng.randint(1, 12)) for _ in range(n)])


@pytest.fixture
def imdb_cache(cache, monkeypatch):
    rng = np.random.RandomState(3)
    data = npz_bytes(x_train=_sequences(rng, 30, 40), y_train=rng.randint(0, 2, 30),
                     x_test=_sequences(rng, 20, 40), y_test=rng.randint(0, 2, 20))
    place(cache, monkeypatch, imdb, "imdb.npz", data, attr="_NPZ_SHA256")
    index = json.dumps({f"w{i}": i for i in range(1, 40)}).encode()
    place(cache, monkeypatch, imdb, "imdb_word_index.json", index, attr="_INDEX_MD5")
    return cache


IMDB_OPTIONS = [
    {},
    {"num_words": 20, "skip_top": 5},
    {"maxlen": 8, "seed": 7},
    {"start_char": None, "oov_char": None, "index_from": 0, "num_words": 25},
    {"start_char": None, "index_from": 2},
]


@pytest.mark.parametrize("options", IMDB_OPTIONS)
def test_imdb(imdb_cache, keras_real, options):
    assert_same(tf.keras.datasets.imdb.load_data(**options),
                keras_real.datasets.imdb.load_data(**options))


def test_imdb_word_index(imdb_cache, keras_real):
    assert tf.keras.datasets.imdb.get_word_index() == keras_real.datasets.imdb.get_word_index()


@pytest.mark.parametrize("options", [{}, {"test_split": 0.35, "num_words": 15, "maxlen": 9}])
def test_reuters(cache, monkeypatch, keras_real, options):
    rng = np.random.RandomState(4)
    data = npz_bytes(x=_sequences(rng, 25, 30), y=rng.randint(0, 46, 25))
    place(cache, monkeypatch, reuters, "reuters.npz", data, attr="_NPZ_SHA256")
    assert_same(tf.keras.datasets.reuters.load_data(**options),
                keras_real.datasets.reuters.load_data(**options))
    assert (tf.keras.datasets.reuters.get_label_names()
            == keras_real.datasets.reuters.get_label_names())


def test_boston_housing(cache, monkeypatch, keras_real):
    rng = np.random.RandomState(5)
    place(cache, monkeypatch, boston_housing, "boston_housing.npz",
          npz_bytes(x=rng.rand(23, 13), y=rng.rand(23)))
    for kwargs in ({}, {"test_split": 0.1, "seed": 3}):
        assert_same(tf.keras.datasets.boston_housing.load_data(**kwargs),
                    keras_real.datasets.boston_housing.load_data(**kwargs))


@pytest.mark.parametrize("version", ["small", "large"])
def test_california_housing(cache, monkeypatch, keras_real, version):
    rng = np.random.RandomState(6)
    place(cache, monkeypatch, california_housing, "california_housing.npz",
          npz_bytes(x=rng.rand(650, 8).astype("float32"), y=rng.rand(650).astype("float32")))
    assert_same(tf.keras.datasets.california_housing.load_data(version=version),
                keras_real.datasets.california_housing.load_data(version=version))


@pytest.mark.parametrize("fname", ["pack.tar.gz", "pack", None])
def test_get_file_extract_paths(tmp_path, keras_real, fname):
    """With extract=True both return the same directory, laid out the same way."""
    src = tmp_path / "src" / "pack.tar.gz"
    src.parent.mkdir()
    with tarfile.open(src, "w:gz") as tar:
        payload = b"hello"
        info = tarfile.TarInfo("inner/file.txt")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    origin = src.as_uri()
    got = {}
    for name, get_file in (("ours", tf.keras.utils.get_file),
                           ("keras", keras_real.utils.get_file)):
        root = tmp_path / name
        root.mkdir()  # Keras falls back to ~/.keras when cache_dir does not exist yet
        path = get_file(fname, origin=origin, extract=True, cache_dir=str(root))
        got[name] = (os.path.relpath(path, root), sorted(
            str(p.relative_to(root)) for p in pathlib.Path(root).rglob("*")))
    assert got["ours"] == got["keras"]


def test_get_file_hash_mismatch_same_error(tmp_path, keras_real):
    src = tmp_path / "f.bin"
    src.write_bytes(b"data")
    errors = []
    for name, get_file in (("ours", tf.keras.utils.get_file),
                           ("keras", keras_real.utils.get_file)):
        (tmp_path / name).mkdir()
        with pytest.raises(Exception) as info:
            get_file("f.bin", origin=src.as_uri(), file_hash="ab" * 32,
                     cache_dir=str(tmp_path / name))
        errors.append((type(info.value), str(info.value)))
    assert errors[0] == errors[1]
    # the one deliberate difference: Keras leaves the bad download in its cache, we do not
    assert not (tmp_path / "ours" / "datasets" / "f.bin").exists()


def _mask_times(text):
    """Progress output with the timing fields (ETA, elapsed, per-step time) masked."""
    text = re.sub(r"\x1b\[1m[0-9:]+s?\x1b\[0m", "\x1b[1mT\x1b[0m", text)
    return re.sub(r" \d+(us|ms|s)/step", " T/step", text)


def test_download_progress_output_matches_keras(tmp_path, keras_real, capsys):
    src = tmp_path / "p.bin"
    src.write_bytes(b"q" * 1000)
    outputs = []
    for name, get_file in (("ours", tf.keras.utils.get_file),
                           ("keras", keras_real.utils.get_file)):
        (tmp_path / name).mkdir()
        capsys.readouterr()
        get_file("p.bin", origin=src.as_uri(), cache_dir=str(tmp_path / name))
        outputs.append(_mask_times(capsys.readouterr().out))
    assert outputs[0] == outputs[1]
    assert outputs[0].endswith("\x1b[1m1000/1000\x1b[0m \x1b[32m" + "━" * 20
                               + "\x1b[0m\x1b[37m\x1b[0m \x1b[1mT\x1b[0m T/step\n")
