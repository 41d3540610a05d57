"""Weights files (``save_weights`` / ``load_weights``): slot order, hostile headers, wrong file
types, ``skip_mismatch``, file modes, symlinks and atomic writes."""
import io
import os
import stat
import tracemalloc
import warnings
import zipfile

import numpy as np
import pytest

import minitf as tf

keras = tf.keras


class ManyScalars(keras.layers.Layer):
    """A layer with ``n`` scalar weights, weight i initialised to ``i + offset``."""

    def __init__(self, n, offset, **kwargs):
        super().__init__(**kwargs)
        self.n, self.offset = n, offset

    def build(self, input_shape):
        for i in range(self.n):
            self.add_weight(shape=(), initializer=keras.initializers.Constant(i + self.offset),
                            name=f"w{i}")


def _two_dense(units=(3, 2), bias=(True, True), extra=False):
    layers = [keras.Input((4,)), keras.layers.Dense(units[0], use_bias=bias[0]),
              keras.layers.Dense(units[1], use_bias=bias[1])]
    if extra:
        layers.append(keras.layers.Dense(5))
    return keras.Sequential(layers)


def _npy_bytes(header_shape, dtype="<f4", payload=b""):
    """A .npy member whose header declares ``header_shape`` but which carries ``payload``."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": dtype, "fortran_order": False,
                                               "shape": header_shape})
    return buf.getvalue() + payload


def _zip(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


# ---- slot order ---------------------------------------------------------------------------------
def test_more_than_10000_weights_load_into_their_own_slots(tmp_path):
    n = 10_001   # keys run past 9999: "10000:" sorts before "1000:" as a string
    model = keras.Sequential([keras.Input((1,)), ManyScalars(n, offset=0)])
    path = tmp_path / "many.weights.npz"
    model.save_weights(path)
    model.set_weights([np.float32(-1)] * n)
    model.load_weights(path)
    np.testing.assert_array_equal([w.numpy() for w in model.weights],
                                  np.arange(n, dtype=np.float32))


def test_files_written_before_the_layer_manifest_still_load(tmp_path):
    m = _two_dense()
    arrays = {f"{i:04d}:{w.path}": np.full(w.shape, i + 1.0, np.float32)
              for i, w in enumerate(m.weights)}
    np.savez(tmp_path / "old.npz", **arrays)
    m.load_weights(tmp_path / "old.npz")
    for i, w in enumerate(m.weights):
        np.testing.assert_array_equal(w.numpy(), np.full(w.shape, i + 1.0, np.float32))


# ---- hostile or wrong files ---------------------------------------------------------------------
def test_header_claiming_a_huge_array_is_refused_with_value_error(tmp_path):
    m = _two_dense()
    path = tmp_path / "huge.npz"
    _zip(path, {"0000:dense/kernel.npy": _npy_bytes((2 ** 40,), payload=b"\0" * 16)})
    with pytest.raises(ValueError, match="huge.npz.*declares"):
        m.load_weights(path)


def test_header_claim_is_checked_before_anything_is_allocated(tmp_path):
    m = _two_dense()
    path = tmp_path / "claims64mb.npz"
    _zip(path, {"0000:dense/kernel.npy": _npy_bytes((16 * 2 ** 20,), payload=b"\0" * 64)})
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="declares"):
            m.load_weights(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2 ** 20, f"{peak} bytes allocated for a 64 MiB claim in a tiny file"


def test_npy_renamed_to_npz_is_value_error(tmp_path):
    m = _two_dense()
    path = tmp_path / "array.weights.npz"
    with open(path, "wb") as f:
        np.save(f, np.ones(3, np.float32))
    with pytest.raises(ValueError, match=r"single NumPy array \(\.npy\)"):
        m.load_weights(path)


@pytest.mark.parametrize("members, match", [
    ({"kernel.npy": _npy_bytes((4, 3), payload=b"\0" * 48)}, "unexpected member"),
    ({"0000:a.npy": _npy_bytes((1,), payload=b"\0" * 4),
      "0002:b.npy": _npy_bytes((1,), payload=b"\0" * 4)}, "numbered"),
    ({"0000:a.npy": _npy_bytes((1,), dtype="|O", payload=b"\0" * 8)}, "dtype"),
    ({"0000:a.npy": b"not an npy member"}, "not a readable"),
])
def test_malformed_archives_are_value_errors(tmp_path, members, match):
    path = tmp_path / "bad.npz"
    _zip(path, members)
    with pytest.raises(ValueError, match=match):
        _two_dense().load_weights(path)


def test_corrupted_data_is_value_error(tmp_path):
    m = _two_dense()
    path = tmp_path / "w.weights.npz"
    m.save_weights(path)
    raw = bytearray(path.read_bytes())
    first = raw.index(b"\x93NUMPY")
    header_end = raw.index(b"\n", first) + 1
    raw[header_end + 4] ^= 0xFF            # one byte of the first array's data
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="not a readable"):
        m.load_weights(path)


# ---- skip_mismatch ------------------------------------------------------------------------------
def _fresh_copies(model):
    return [w.numpy().copy() for w in model.weights]


@pytest.mark.parametrize("make_target, bad_layer", [
    (lambda: _two_dense(units=(3, 5)), 1),               # second Dense: other shapes
    (lambda: _two_dense(bias=(False, True)), 0),         # first Dense: one weight fewer
    (lambda: _two_dense(extra=True), 2),                 # a layer the file does not have
])
def test_mismatch_raises_and_changes_nothing_without_skip(tmp_path, make_target, bad_layer):
    path = tmp_path / "src.weights.npz"
    _two_dense().save_weights(path)
    target = make_target()
    before = _fresh_copies(target)
    name = target.layers[bad_layer].name
    with pytest.raises(ValueError, match=f"'{name}'.*skip_mismatch=True"):
        target.load_weights(path)
    for b, w in zip(before, target.weights):
        np.testing.assert_array_equal(b, w.numpy())     # all or nothing


@pytest.mark.parametrize("make_target, bad_layer", [
    (lambda: _two_dense(units=(3, 5)), 1),
    (lambda: _two_dense(bias=(False, True)), 0),
    (lambda: _two_dense(extra=True), 2),
])
def test_skip_mismatch_loads_the_matching_layers_and_warns(tmp_path, make_target, bad_layer):
    source = _two_dense()
    path = tmp_path / "src.weights.npz"
    source.save_weights(path)
    target = make_target()
    skipped = target.layers[bad_layer]
    before = {id(w): w.numpy().copy() for w in skipped.weights}
    with pytest.warns(UserWarning, match=f"Skipped .*'{skipped.name}'"):
        target.load_weights(path, skip_mismatch=True)
    for i, layer in enumerate(target.layers):
        if i == bad_layer:
            for w in layer.weights:
                np.testing.assert_array_equal(w.numpy(), before[id(w)])
        else:
            for w, s in zip(layer.weights, source.layers[i].weights):
                np.testing.assert_array_equal(w.numpy(), s.numpy())


def test_skip_mismatch_warns_about_layers_only_in_the_file(tmp_path):
    source = _two_dense(extra=True)
    path = tmp_path / "src.weights.npz"
    source.save_weights(path)
    target = _two_dense()
    with pytest.raises(ValueError, match="1 more layer"):
        target.load_weights(path)
    with pytest.warns(UserWarning, match="1 more layer"):
        target.load_weights(path, skip_mismatch=True)
    for w, s in zip(target.weights, source.weights):
        np.testing.assert_array_equal(w.numpy(), s.numpy())


def test_matching_file_loads_without_warning_under_skip_mismatch(tmp_path):
    path = tmp_path / "src.weights.npz"
    _two_dense().save_weights(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _two_dense().load_weights(path, skip_mismatch=True)


# ---- file mode, symlinks, atomic writes ---------------------------------------------------------
@pytest.fixture
def umask():
    """Set the process umask for one test, restoring it after."""
    old = os.umask(0o022)
    os.umask(old)
    yield lambda mask: os.umask(mask)
    os.umask(old)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_saved_file_mode_follows_the_umask(tmp_path, umask, mask, mode):
    umask(mask)
    path = tmp_path / "m.weights.npz"
    _two_dense().save_weights(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == mode


def test_overwriting_keeps_the_existing_files_mode(tmp_path, umask):
    umask(0o022)
    path = tmp_path / "m.weights.npz"
    _two_dense().save_weights(path)
    os.chmod(path, 0o640)
    _two_dense().save_weights(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_saving_over_a_symlink_writes_through_to_its_target(tmp_path):
    real_dir, link_dir = tmp_path / "store", tmp_path / "links"
    real_dir.mkdir()
    link_dir.mkdir()
    target = real_dir / "real.weights.npz"
    target.write_bytes(b"old")
    link = link_dir / "m.weights.npz"
    link.symlink_to(os.path.relpath(target, link_dir))
    model = _two_dense()
    model.save_weights(link)
    assert link.is_symlink() and os.path.samefile(link, target)
    loaded = _two_dense()
    loaded.load_weights(target)
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert sorted(os.listdir(real_dir)) == ["real.weights.npz"]
    assert sorted(os.listdir(link_dir)) == ["m.weights.npz"]


def test_failed_save_through_a_symlink_leaves_target_and_directories_untouched(tmp_path,
                                                                           monkeypatch):
    real_dir, link_dir = tmp_path / "store", tmp_path / "links"
    real_dir.mkdir()
    link_dir.mkdir()
    target = real_dir / "real.weights.npz"
    target.write_bytes(b"old contents")
    link = link_dir / "m.weights.npz"
    link.symlink_to(target)
    temp_seen = []

    def boom(*args, **kwargs):
        # The temporary file lives beside the target (so os.replace stays on one filesystem).
        temp_seen.append((sorted(os.listdir(real_dir)), sorted(os.listdir(link_dir))))
        raise OSError("disk full")
    monkeypatch.setattr(np, "savez", boom)
    with pytest.raises(OSError, match="disk full"):
        _two_dense().save_weights(link)
    (real_names, link_names), = temp_seen
    assert len(real_names) == 2 and link_names == ["m.weights.npz"]
    assert target.read_bytes() == b"old contents" and link.is_symlink()
    assert os.listdir(real_dir) == ["real.weights.npz"]


def test_compressed_archive_loads_and_a_lying_deflated_size_is_refused(tmp_path):
    source = _two_dense()
    arrays = {f"{i:04d}:{w.path}": w.numpy() for i, w in enumerate(source.weights)}
    np.savez_compressed(tmp_path / "c.npz", **arrays)
    target = _two_dense()
    target.load_weights(tmp_path / "c.npz")
    for a, b in zip(source.weights, target.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    # 4 GiB of zeros cannot come out of a few hundred compressed bytes.
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("0000:a.npy", _npy_bytes((2 ** 30,), payload=b"\0" * 64))
    raw = bytearray(path.read_bytes())
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):   # the uncompressed size
        at = raw.index(sig) + offset
        raw[at:at + 4] = (2 ** 32 - 1).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="declares"):
        target.load_weights(path)


def test_loading_into_an_unbuilt_model_says_to_build_it(tmp_path):
    path = tmp_path / "src.weights.npz"
    _two_dense().save_weights(path)
    unbuilt = keras.Sequential([keras.layers.Dense(3), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="no weights yet: build it"):
        unbuilt.load_weights(path)
