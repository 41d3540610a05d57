"""A dataset prints as TensorFlow prints it: `<_MapDataset element_spec=...>`, class name and
element spec, for each transformation."""
from __future__ import annotations

import pytest

import minitf

PIPELINES = {
    "from_tensor_slices": lambda tf: tf.data.Dataset.from_tensor_slices([1, 2]),
    "from_tensors": lambda tf: tf.data.Dataset.from_tensors([1.0]),
    "range": lambda tf: tf.data.Dataset.range(4),
    "zip": lambda tf: tf.data.Dataset.zip((tf.data.Dataset.range(2), tf.data.Dataset.range(2))),
    "map": lambda tf: tf.data.Dataset.range(4).map(lambda x: x * 2),
    "parallel map": lambda tf: tf.data.Dataset.range(4).map(lambda x: x, num_parallel_calls=2),
    "filter": lambda tf: tf.data.Dataset.range(4).filter(lambda x: x > 1),
    "batch": lambda tf: tf.data.Dataset.range(4).batch(2),
    "padded_batch": lambda tf: tf.data.Dataset.range(4).map(lambda x: tf.range(x)).padded_batch(2),
    "unbatch": lambda tf: tf.data.Dataset.range(4).batch(2).unbatch(),
    "shuffle": lambda tf: tf.data.Dataset.range(4).shuffle(2),
    "repeat": lambda tf: tf.data.Dataset.range(4).repeat(2),
    "take": lambda tf: tf.data.Dataset.range(4).take(1),
    "skip": lambda tf: tf.data.Dataset.range(4).skip(1),
    "take_while": lambda tf: tf.data.Dataset.range(4).take_while(lambda x: x < 2),
    "cache": lambda tf: tf.data.Dataset.range(4).cache(),
    "concatenate": lambda tf: tf.data.Dataset.range(2).concatenate(tf.data.Dataset.range(2)),
    "enumerate": lambda tf: tf.data.Dataset.range(4).enumerate(),
    "from_generator": lambda tf: tf.data.Dataset.from_generator(lambda: iter([1]),
                                                                output_types=tf.int32),
}


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_dataset_repr_is_tensorflows(tf_real, name):
    assert repr(PIPELINES[name](minitf)) == repr(PIPELINES[name](tf_real))


def test_text_line_dataset_repr_is_tensorflows(tf_real, tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("a\nb\n")
    assert (repr(minitf.data.TextLineDataset(str(path)))
            == repr(tf_real.data.TextLineDataset(str(path))))
