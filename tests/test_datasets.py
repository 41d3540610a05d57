"""keras.datasets and keras.utils.get_file, offline.

Every file is generated here and served from a loopback HTTP server (or placed in the cache
directly); the loaders keep their real URLs, only the base URL is pointed at the server.
Expected arrays come from the generated data and Keras's documented rules, not from the
loaders themselves.
"""
import gzip
import hashlib
import http.server
import io
import json
import os
import pickle
import tarfile
import threading
import zipfile

import numpy as np
import pytest

import minitf as tf
from minitf.keras import file_utils
from minitf.keras.datasets import (_common, boston_housing, california_housing, cifar10,
                                   cifar100, fashion_mnist, imdb, mnist, reuters)


# ---------------------------------------------------------------- loopback server

class _Handler(http.server.BaseHTTPRequestHandler):
    files = {}        # path -> bytes, set per server
    truncated = {}    # path -> (claimed length, bytes actually sent)
    requests = []

    def do_GET(self):  # noqa: N802 - http.server's name
        self.requests.append(self.path)
        if self.path in self.truncated:
            claimed, body = self.truncated[self.path]
            self.send_response(200)
            self.send_header("Content-Length", str(claimed))
            self.end_headers()
            self.wfile.write(body)
            return  # the connection closes with the body short
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A loopback server: ``server.files["/x"] = b"..."``; ``server.url`` is its base URL."""
    handler = type("Handler", (_Handler,), {"files": {}, "truncated": {}, "requests": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.timeout = 5
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.files, httpd.truncated, httpd.requests = handler.files, handler.truncated, handler.requests
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh KERAS_HOME (so nothing touches ~/.keras)."""
    path = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(path))
    return path


@pytest.fixture
def origin(server, monkeypatch):
    """Point every loader's base URL at the loopback server."""
    monkeypatch.setattr(_common, "KERAS_ORIGIN", server.url)
    monkeypatch.setattr(_common, "CIFAR_ORIGIN", server.url)
    return server


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def npz_bytes(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def objects(seqs):
    out = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):
        out[i] = list(s)
    return out


def serve(server, monkeypatch, module, name, data, attr="_SHA256"):
    """Serve ``data`` as ``name`` and give ``module`` its hash (the real file's is built in)."""
    server.files["/" + name] = data
    if attr is not None:
        monkeypatch.setattr(module, attr, sha256(data) if "SHA" in attr
                            else hashlib.md5(data).hexdigest())


# ---------------------------------------------------------------- get_file

def test_get_file_downloads_into_keras_home_and_reuses_it(home, server, capsys):
    server.files["/a.bin"] = b"x" * 5000
    path = tf.keras.utils.get_file("a.bin", origin=server.url + "a.bin",
                                   file_hash=sha256(b"x" * 5000))
    assert path == str(home / "datasets" / "a.bin")
    assert open(path, "rb").read() == b"x" * 5000
    out = capsys.readouterr().out
    assert out.startswith(f"Downloading data from {server.url}a.bin\n")
    assert "\x1b[1m5000/5000\x1b[0m" in out and out.endswith("/step\n")  # Keras's bar, finished
    assert os.listdir(home / "datasets") == ["a.bin"]  # no temporary left
    # cached with the right hash: no second request, nothing printed
    again = tf.keras.utils.get_file("a.bin", origin=server.url + "a.bin",
                                    file_hash=sha256(b"x" * 5000))
    assert again == path and server.requests == ["/a.bin"]
    assert capsys.readouterr().out == ""


def test_get_file_name_from_origin_cache_dir_and_subdir(tmp_path, server):
    server.files["/dir/b.txt"] = b"b"
    path = tf.keras.utils.get_file(origin=server.url + "dir/b.txt", cache_dir=str(tmp_path),
                                   cache_subdir="mine")
    assert path == str(tmp_path / "mine" / "b.txt")


def test_get_file_hash_mismatch_raises_and_leaves_nothing(home, server):
    server.files["/c.bin"] = b"corrupted"
    with pytest.raises(ValueError, match="hash does not match the provided value of 0123"):
        tf.keras.utils.get_file("c.bin", origin=server.url + "c.bin", file_hash="0123" * 16)
    assert os.listdir(home / "datasets") == []


def test_get_file_md5_hash_and_stale_cache_redownloaded(home, server, capsys):
    good = b"fresh"
    server.files["/d.bin"] = good
    (home / "datasets").mkdir(parents=True)
    (home / "datasets" / "d.bin").write_bytes(b"stale")
    path = tf.keras.utils.get_file("d.bin", origin=server.url + "d.bin",
                                   md5_hash=hashlib.md5(good).hexdigest())
    assert open(path, "rb").read() == good
    assert "the md5 file hash does not match" in capsys.readouterr().out


def test_get_file_force_download(home, server):
    server.files["/e.bin"] = b"new"
    (home / "datasets").mkdir(parents=True)
    (home / "datasets" / "e.bin").write_bytes(b"old")
    path = tf.keras.utils.get_file("e.bin", origin=server.url + "e.bin")
    assert open(path, "rb").read() == b"old"  # no hash: the cached file is trusted
    path = tf.keras.utils.get_file("e.bin", origin=server.url + "e.bin", force_download=True)
    assert open(path, "rb").read() == b"new"


def test_truncated_download_raises_and_leaves_no_partial_file(home, server):
    server.truncated["/f.bin"] = (100_000, b"y" * 1000)
    with pytest.raises(Exception, match="URL fetch failure on .*f.bin: None -- retrieval "
                                        "incomplete: got only 1000 out of 100000 bytes"):
        tf.keras.utils.get_file("f.bin", origin=server.url + "f.bin")
    assert os.listdir(home / "datasets") == []


def test_interrupted_download_leaves_no_partial_file(home, server, monkeypatch):
    server.files["/g.bin"] = b"z" * 300_000

    def interrupt(self, current, final=False):
        if current > 0:
            raise KeyboardInterrupt

    monkeypatch.setattr(file_utils._DownloadBar, "update", interrupt)
    with pytest.raises(KeyboardInterrupt):
        tf.keras.utils.get_file("g.bin", origin=server.url + "g.bin")
    assert os.listdir(home / "datasets") == []


def test_http_error_is_keras_fetch_failure(home, server):
    with pytest.raises(Exception, match=r"URL fetch failure on .*missing: 404 -- Not Found"):
        tf.keras.utils.get_file("missing", origin=server.url + "missing")
    assert os.listdir(home / "datasets") == []


def test_get_file_argument_errors(home):
    with pytest.raises(ValueError, match='specify the "origin"'):
        tf.keras.utils.get_file("x")
    with pytest.raises(ValueError, match="Paths are no longer accepted"):
        tf.keras.utils.get_file(os.path.join("sub", "x"), origin="http://127.0.0.1:9/x")


def _tar_gz(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _zip(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_extract_tar_returns_extracted_directory(home, server):
    server.files["/arch.tar.gz"] = _tar_gz({"top/one.txt": b"1", "top/sub/two.txt": b"2"})
    # fname with a dot: the archive keeps its name, contents go to <stem>_extracted
    path = tf.keras.utils.get_file("arch.tar.gz", origin=server.url + "arch.tar.gz",
                                   extract=True)
    assert path == str(home / "datasets" / "arch_extracted")
    assert (home / "datasets" / "arch_extracted" / "top" / "sub" / "two.txt").read_bytes() == b"2"
    assert (home / "datasets" / "arch.tar.gz").exists()
    # fname without a dot: the archive is <fname>_archive, contents go to <fname>
    path = tf.keras.utils.get_file("plain", origin=server.url + "arch.tar.gz", untar=True)
    assert path == str(home / "datasets" / "plain")
    assert (home / "datasets" / "plain_archive").exists()
    assert (home / "datasets" / "plain" / "top" / "one.txt").read_bytes() == b"1"
    assert not [n for n in os.listdir(home / "datasets") if n.endswith(".part")]


def test_extract_zip_and_unsafe_members_skipped(home, server):
    server.files["/z.zip"] = _zip({"ok.txt": b"ok", "../evil.txt": b"evil"})
    with pytest.warns(UserWarning, match="Skipping invalid path"):
        path = tf.keras.utils.get_file("z.zip", origin=server.url + "z.zip", extract=True)
    assert sorted(os.listdir(path)) == ["ok.txt"]
    assert not (home / "evil.txt").exists() and not (home / "datasets" / "evil.txt").exists()


def test_extract_not_an_archive_warns(home, server):
    server.files["/n.bin"] = b"not an archive"
    with pytest.warns(UserWarning, match="Could not extract archive"):
        tf.keras.utils.get_file("n.bin", origin=server.url + "n.bin", extract=True)


# ---------------------------------------------------------------- datasets

def _digits(n, seed):
    rng = np.random.RandomState(seed)
    return (rng.randint(0, 256, size=(n, 28, 28)).astype("uint8"),
            rng.randint(0, 10, size=n).astype("uint8"))


def test_mnist_download_then_cache_only(home, origin, monkeypatch, capsys):
    (xtr, ytr), (xte, yte) = _digits(5, 0), _digits(3, 1)
    data = npz_bytes(x_train=xtr, y_train=ytr, x_test=xte, y_test=yte)
    serve(origin, monkeypatch, mnist, "mnist.npz", data)
    (a, b), (c, d) = tf.keras.datasets.mnist.load_data()
    for got, want in [(a, xtr), (b, ytr), (c, xte), (d, yte)]:
        assert got.dtype == np.uint8 and np.array_equal(got, want)
    assert (home / "datasets" / "mnist.npz").read_bytes() == data
    assert "Downloading data from " + origin.url + "mnist.npz" in capsys.readouterr().out
    origin.files.clear()  # cached: the server is not asked again
    (a2, _), _ = tf.keras.datasets.mnist.load_data()
    assert np.array_equal(a2, xtr) and origin.requests == ["/mnist.npz"]


def test_mnist_reads_file_placed_in_cache(home, monkeypatch):
    # No server at all: a file already in the cache with the right hash is used.
    (xtr, ytr), (xte, yte) = _digits(2, 2), _digits(2, 3)
    data = npz_bytes(x_train=xtr, y_train=ytr, x_test=xte, y_test=yte)
    (home / "datasets").mkdir(parents=True)
    (home / "datasets" / "mine.npz").write_bytes(data)
    monkeypatch.setattr(mnist, "_SHA256", sha256(data))
    monkeypatch.setattr(_common, "KERAS_ORIGIN", "http://127.0.0.1:9/unreachable/")
    (_, b), (c, _) = mnist.load_data(path="mine.npz")
    assert np.array_equal(b, ytr) and np.array_equal(c, xte)


def _idx_gz(array, magic):
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return gzip.compress(header + array.tobytes())


def test_fashion_mnist_idx_files_in_subdir(home, origin):
    (xtr, ytr), (xte, yte) = _digits(4, 4), _digits(2, 5)
    origin.files.update({
        "/train-labels-idx1-ubyte.gz": _idx_gz(ytr, 2049),
        "/train-images-idx3-ubyte.gz": _idx_gz(xtr, 2051),
        "/t10k-labels-idx1-ubyte.gz": _idx_gz(yte, 2049),
        "/t10k-images-idx3-ubyte.gz": _idx_gz(xte, 2051),
    })
    (a, b), (c, d) = tf.keras.datasets.fashion_mnist.load_data()
    for got, want in [(a, xtr), (b, ytr), (c, xte), (d, yte)]:
        assert got.dtype == np.uint8 and np.array_equal(got, want)
    assert sorted(os.listdir(home / "datasets" / "fashion-mnist")) == sorted(
        p[1:] for p in origin.files)


def _cifar_batch(images_chw, labels, label_key="labels", extra=None):
    """A batch as the CIFAR authors pickled it: bytes keys, (N, 3072) uint8 rows, list labels."""
    batch = {b"data": images_chw.reshape(len(images_chw), 3072), label_key.encode(): list(labels)}
    batch.update(extra or {})
    return pickle.dumps(batch, protocol=4)


def _images(n, seed):
    return np.random.RandomState(seed).randint(0, 256, size=(n, 3, 32, 32)).astype("uint8")


def test_cifar10_from_tar_in_batch_layout(home, origin, monkeypatch):
    train = [(_images(2, i), [i, (i + 3) % 10]) for i in range(5)]
    test_x, test_y = _images(3, 9), [7, 8, 9]
    members = {f"cifar-10-batches-py/data_batch_{i + 1}": _cifar_batch(x, y)
               for i, (x, y) in enumerate(train)}
    members["cifar-10-batches-py/test_batch"] = _cifar_batch(test_x, test_y)
    serve(origin, monkeypatch, cifar10, "cifar-10-python.tar.gz", _tar_gz(members))
    (a, b), (c, d) = tf.keras.datasets.cifar10.load_data()
    want_x = np.concatenate([x for x, _ in train]).transpose(0, 2, 3, 1)
    assert a.shape == (10, 32, 32, 3) and a.dtype == np.uint8 and np.array_equal(a, want_x)
    assert b.shape == (10, 1) and b.dtype == np.uint8
    assert b[:, 0].tolist() == [y for _, ys in train for y in ys]
    assert np.array_equal(c, test_x.transpose(0, 2, 3, 1)) and c.dtype == np.uint8
    assert d.tolist() == [[7], [8], [9]] and d.dtype == np.uint8
    assert (home / "datasets" / "cifar-10-batches-py-target_archive").is_file()
    assert (home / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py").is_dir()


def test_cifar100_fine_and_coarse(home, origin, monkeypatch):
    x_tr, x_te = _images(3, 0), _images(2, 1)
    members = {
        "cifar-100-python/train": _cifar_batch(x_tr, [11, 22, 33], "fine_labels",
                                               {b"coarse_labels": [1, 2, 3]}),
        "cifar-100-python/test": _cifar_batch(x_te, [44, 55], "fine_labels",
                                              {b"coarse_labels": [4, 5]}),
    }
    serve(origin, monkeypatch, cifar100, "cifar-100-python.tar.gz", _tar_gz(members))
    (a, b), (c, d) = tf.keras.datasets.cifar100.load_data()
    assert np.array_equal(a, x_tr.transpose(0, 2, 3, 1)) and c.shape == (2, 32, 32, 3)
    assert b.tolist() == [[11], [22], [33]] and d.tolist() == [[44], [55]]
    assert b.dtype == np.int64  # Keras leaves CIFAR-100 labels as NumPy builds them
    (_, b), (_, d) = tf.keras.datasets.cifar100.load_data(label_mode="coarse")
    assert b.tolist() == [[1], [2], [3]] and d.tolist() == [[4], [5]]
    assert origin.requests == ["/cifar-100-python.tar.gz"]


def test_cifar_refuses_pickles_naming_other_globals(home, origin, monkeypatch):
    evil = pickle.dumps({b"data": os.getcwd, b"labels": []}, protocol=4)  # names posix.getcwd
    members = {"cifar-100-python/train": evil, "cifar-100-python/test": evil}
    serve(origin, monkeypatch, cifar100, "cifar-100-python.tar.gz", _tar_gz(members))
    with pytest.raises(pickle.UnpicklingError, match="Refusing to deserialize"):
        cifar100.load_data()


def _permutation(seed, n, draws=1):
    """The ``draws``-th permutation of ``arange(n)`` drawn from ``RandomState(seed)``."""
    rng = np.random.RandomState(seed)
    for _ in range(draws):
        idx = np.arange(n)
        rng.shuffle(idx)
    return idx


# Reviews whose labels are their own position, so each output row can be traced back.
IMDB_TRAIN = [[1, 2, 3], [4, 5], [6, 7, 8, 9, 10], [3]]
IMDB_TEST = [[2, 2], [10, 1, 5]]


@pytest.fixture
def imdb_files(home, origin, monkeypatch):
    data = npz_bytes(x_train=objects(IMDB_TRAIN), y_train=np.arange(4),
                     x_test=objects(IMDB_TEST), y_test=np.arange(2))
    serve(origin, monkeypatch, imdb, "imdb.npz", data, attr="_NPZ_SHA256")
    index = json.dumps({"the": 1, "and": 2}).encode()
    serve(origin, monkeypatch, imdb, "imdb_word_index.json", index, attr="_INDEX_MD5")
    return origin


def test_imdb_default_offsets_and_shuffle(imdb_files):
    (x, y), (xt, yt) = tf.keras.datasets.imdb.load_data()
    # train is RandomState(113)'s first permutation, test its second (same generator)
    assert y.tolist() == _permutation(113, 4).tolist()
    assert yt.tolist() == _permutation(113, 2, draws=2).tolist()
    assert x.dtype == object and x.shape == (4,) and y.dtype == np.int64
    # start_char=1 first, ids + index_from=3; num_words None: the largest id (13) is oov=2
    for row, label in zip(x, y):
        want = [1] + [w + 3 if w + 3 < 13 else 2 for w in IMDB_TRAIN[label]]
        assert row == want
    for row, label in zip(xt, yt):
        assert row == [1] + [w + 3 if w + 3 < 13 else 2 for w in IMDB_TEST[label]]


def test_imdb_num_words_skip_top_maxlen(imdb_files):
    (x, y), (xt, yt) = imdb.load_data(num_words=8, skip_top=5, maxlen=4, seed=0)
    # maxlen=4 keeps sequences with fewer than 4 ids after start_char: train 1, 3; test 0
    assert sorted(y.tolist()) == [1, 3] and yt.tolist() == [0]
    for row, label in zip(x, y):
        assert row == [w if 5 <= w < 8 else 2 for w in [1] + [v + 3 for v in IMDB_TRAIN[label]]]
    with pytest.raises(ValueError, match="no sequence was kept"):
        imdb.load_data(maxlen=2)


def test_imdb_no_start_no_oov_no_offset(imdb_files):
    (x, y), _ = imdb.load_data(start_char=None, oov_char=None, index_from=0, num_words=6)
    for row, label in zip(x, y):
        assert row == [w for w in IMDB_TRAIN[label] if w < 6]


def test_imdb_word_index(imdb_files):
    assert tf.keras.datasets.imdb.get_word_index() == {"the": 1, "and": 2}


def test_reuters_split_and_word_index(home, origin, monkeypatch):
    seqs = [[i + 1] * (i % 3 + 1) for i in range(10)]
    data = npz_bytes(x=objects(seqs), y=np.arange(10))
    serve(origin, monkeypatch, reuters, "reuters.npz", data, attr="_NPZ_SHA256")
    (x, y), (xt, yt) = tf.keras.datasets.reuters.load_data(test_split=0.3, num_words=100)
    perm = _permutation(113, 10)
    assert y.tolist() == perm[:7].tolist() and yt.tolist() == perm[7:].tolist()
    assert x[0] == [1] + [v + 3 for v in seqs[perm[0]]]
    index = json.dumps({"said": 1}).encode()
    serve(origin, monkeypatch, reuters, "reuters_word_index.json", index, attr="_INDEX_MD5")
    assert reuters.get_word_index() == {"said": 1}
    assert len(reuters.get_label_names()) == 46


def test_boston_housing_split(home, origin, monkeypatch):
    x = np.arange(10 * 13, dtype="float64").reshape(10, 13)
    y = np.arange(10, dtype="float64") * 1.5
    serve(origin, monkeypatch, boston_housing, "boston_housing.npz", npz_bytes(x=x, y=y))
    (a, b), (c, d) = tf.keras.datasets.boston_housing.load_data(seed=7)
    perm = _permutation(7, 10)
    assert np.array_equal(a, x[perm[:8]]) and np.array_equal(b, y[perm[:8]])
    assert np.array_equal(c, x[perm[8:]]) and np.array_equal(d, y[perm[8:]])
    with pytest.raises(ValueError, match="Invalid `test_split` argument: -0.1"):
        boston_housing.load_data(test_split=-0.1)


def test_california_housing_small_version(home, origin, monkeypatch):
    x = np.random.RandomState(0).rand(700, 8).astype("float32")
    y = np.arange(700, dtype="float32")
    serve(origin, monkeypatch, california_housing, "california_housing.npz", npz_bytes(x=x, y=y))
    (a, b), (c, d) = tf.keras.datasets.california_housing.load_data(version="small")
    perm = _permutation(113, 600)
    assert a.shape == (480, 8) and c.shape == (120, 8) and a.dtype == np.float32
    assert np.array_equal(b, y[perm[:480]]) and np.array_equal(c, x[perm[480:]])
    (a, _), (c, _) = california_housing.load_data(test_split=0.5)
    assert len(a) == 350 and len(c) == 350


def test_cache_root_follows_keras_rules(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    assert file_utils.keras_home() == str(tmp_path / "kh")
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert file_utils.keras_home() == str(tmp_path / ".keras")
    # an unwritable home or cache_dir falls back to /tmp/.keras, as Keras does
    monkeypatch.setattr(file_utils.os, "access", lambda path, mode: False)
    assert file_utils.keras_home() == "/tmp/.keras"
    monkeypatch.setattr(file_utils.os, "makedirs", lambda *a, **k: None)
    assert file_utils._writable_base(str(tmp_path / "ro")) == "/tmp/.keras"
