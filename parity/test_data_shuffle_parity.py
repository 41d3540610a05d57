"""``Dataset.shuffle`` orders against TensorFlow, element for element (issue 17).

The same pipeline program runs under TF 2.21 and under minitf and must produce the same
sequence: buffer sizes from 1 to past the dataset's length, op seeds (0, small, large, above
2**31), ``reshuffle_each_iteration`` on and off over several epochs, shuffle before and after
``repeat``, seeds derived from ``tf.random.set_seed`` (whose op-seed counter random ops share),
``list_files``, and a shuffle of batches. With no seed anywhere TF's order is random: only the
multiset of elements is compared then.
"""
from __future__ import annotations

import os

import minitf


def _orders(fw, tmp_dir: str) -> dict:
    fw.random.set_seed(None)      # no global seed left by an earlier test: op seeds alone
    out = {}
    for n in (1, 5, 10):
        for b in range(1, n + 6):
            for seed in (0, 7, 2 ** 40 + 3):
                d = fw.data.Dataset.range(n).shuffle(b, seed=seed)
                out[f"range{n}/b{b}/s{seed}"] = [int(x) for x in d]
    for b in (1, 3, 6, 20):
        for resh in (True, False):
            d = fw.data.Dataset.range(6).shuffle(b, seed=5, reshuffle_each_iteration=resh)
            out[f"epochs/b{b}/{resh}"] = [[int(x) for x in d] for _ in range(3)]
            out[f"then_repeat/b{b}/{resh}"] = [int(x) for x in d.repeat(3)]
            d = fw.data.Dataset.range(6).repeat(3).shuffle(b, seed=99,
                                                            reshuffle_each_iteration=resh)
            out[f"after_repeat/b{b}/{resh}"] = [int(x) for x in d]
    d = fw.data.Dataset.range(20).batch(3).shuffle(4, seed=1)
    out["batches"] = [x.numpy().tolist() for x in d]
    # typing map's function (element_spec) is no pass over the data: the epochs' seeds stay
    d = fw.data.Dataset.range(10).shuffle(4, seed=1).map(lambda x: x * 2).batch(3)
    out["map_spec"] = repr(d.element_spec)
    out["map_batch"] = [[b.numpy().tolist() for b in d] for _ in range(2)]
    fw.random.set_seed(42)
    d = fw.data.Dataset.range(10).shuffle(4)                  # op seed from the global counter
    out["global/noseed"] = [[int(x) for x in d] for _ in range(2)]
    out["global/uniform"] = fw.random.uniform([2]).numpy().tolist()   # shares that counter
    d = fw.data.Dataset.range(10).shuffle(10)
    out["global/after_op"] = [int(x) for x in d]
    d = fw.data.Dataset.range(10).shuffle(4, seed=3)
    out["global/seed3"] = [[int(x) for x in d] for _ in range(2)]
    fw.random.set_seed(0)
    out["global0/seed0"] = [int(x) for x in fw.data.Dataset.range(10).shuffle(4, seed=0)]
    names = [os.path.join(tmp_dir, f"f{i:02d}.csv") for i in range(12)]
    out["list_files"] = [os.path.basename(p.numpy().decode())
                         for p in fw.data.Dataset.list_files(names, seed=42)]
    fw.random.set_seed(None)
    d = fw.data.Dataset.range(30).shuffle(7)                  # no seed at all: TF draws one
    out["random/sorted"] = sorted(int(x) for x in d)
    return out


def test_shuffle_orders_match_tensorflow(tf_real, tmp_path):
    for i in range(12):
        (tmp_path / f"f{i:02d}.csv").write_text("a\n")
    try:
        want = _orders(tf_real, str(tmp_path))
        got = _orders(minitf, str(tmp_path))
    finally:
        minitf.random.set_seed(None)
        tf_real.random.set_seed(None)
    assert got.keys() == want.keys()
    bad = [k for k in want if got[k] != want[k]]
    assert not bad, [(k, want[k], got[k]) for k in bad[:5]]


def _csv_orders(fw, d: str) -> dict:
    out = {}
    one = fw.data.experimental.make_csv_dataset(os.path.join(d, "f0.csv"), batch_size=2,
                                                num_epochs=1, shuffle_seed=3)
    out["one_file"] = [b["a"].numpy().tolist() for b in one]
    for epochs, buf in ((1, 4), (2, 6), (3, 100)):
        ds = fw.data.experimental.make_csv_dataset(os.path.join(d, "*.csv"), batch_size=4,
                                                   num_epochs=epochs, shuffle_seed=3,
                                                   shuffle_buffer_size=buf, label_name="b")
        out[f"files/{epochs}/{buf}"] = [(f["a"].numpy().tolist(), lab.numpy().tolist())
                                        for f, lab in ds]
    fw.random.set_seed(11)          # two shuffles (files, rows), two op seeds from the counter
    ds = fw.data.experimental.make_csv_dataset(os.path.join(d, "*.csv"), batch_size=5,
                                               num_epochs=2)
    out["global"] = [b["a"].numpy().tolist() for b in ds]
    return out


def test_make_csv_dataset_order_matches_tensorflow(tf_real, tmp_path):
    for k in range(4):
        (tmp_path / f"f{k}.csv").write_text(
            "a,b\n" + "".join(f"{10 * k + i},{i}\n" for i in range(k + 3)))
    try:
        want = _csv_orders(tf_real, str(tmp_path))
        got = _csv_orders(minitf, str(tmp_path))
    finally:
        minitf.random.set_seed(None)
        tf_real.random.set_seed(None)
    bad = [k for k in want if got.get(k) != want[k]]
    assert not bad, [(k, want[k], got.get(k)) for k in bad]
