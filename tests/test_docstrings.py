"""Every public callable has a docstring (issue 16 §6): ``help(tf.reduce_sum)`` should teach what
TensorFlow does, as TF's own help does.

Walks ``tf.*``, ``tf.math``, ``tf.nn``, ``tf.linalg``, ``tf.random``, ``tf.config``, ``tf.data``,
the public methods of ``tf.data.Dataset`` and ``tf.keras`` with all its submodules. A name is
public when it does not start with an underscore and the object is minitf's own (a NumPy or
standard-library name that a module happens to import is not part of the API). A class needs
its own docstring: one inherited from a base class does not describe it."""
from __future__ import annotations

import inspect
import pytest

import minitf as tf


def own_doc(obj) -> str:
    """The object's own docstring (a class's ``__doc__`` is not inherited, so read it from the
    class's own namespace; a staticmethod or function carries it directly)."""
    if inspect.isclass(obj):
        doc = obj.__dict__.get("__doc__")
    else:
        doc = getattr(obj, "__doc__", None)
    return (doc or "").strip()


def is_minitfs(obj) -> bool:
    return (getattr(obj, "__module__", None) or "").startswith("minitf")


# Keras's public namespaces (keras.io's API reference), as far as minitf has them. Listed rather
# than walked: Python also exposes implementation files as attributes (tf.keras.layers.layer),
# which are not Keras API.
KERAS_NAMESPACES = ("", "activations", "backend", "callbacks", "constraints", "datasets",
                    "initializers", "layers", "losses", "metrics", "mixed_precision", "models",
                    "ops", "optimizers", "optimizers.schedules", "random", "regularizers",
                    "saving", "utils")


def keras_modules() -> list:
    """(module, dotted prefix) for each Keras namespace minitf provides."""
    out = []
    for path in KERAS_NAMESPACES:
        module = tf.keras
        for part in filter(None, path.split(".")):
            module = getattr(module, part, None)
        if module is not None:
            out.append((module, "tf.keras" + (f".{path}" if path else "")))
    return out


def public_callables() -> dict:
    """Public dotted name -> object, for every namespace the test covers."""
    modules = [(tf, "tf"), (tf.math, "tf.math"), (tf.nn, "tf.nn"), (tf.linalg, "tf.linalg"),
               (tf.random, "tf.random"), (tf.config, "tf.config"), (tf.data, "tf.data")]
    modules += keras_modules()
    found = {}
    for module, prefix in modules:
        for name in dir(module):
            obj = getattr(module, name)
            if (name.startswith("_") or inspect.ismodule(obj) or not callable(obj)
                    or not is_minitfs(obj)):
                continue
            found[f"{prefix}.{name}"] = obj
    dataset = tf.data.Dataset
    for name, attr in vars(dataset).items():
        if not name.startswith("_") and callable(getattr(dataset, name)):
            found[f"tf.data.Dataset.{name}"] = getattr(dataset, name)
    return found


PUBLIC = public_callables()


def test_the_walk_finds_the_api():
    # Guards the walk itself: were it to find nothing, the test below would pass vacuously.
    for name in ("tf.reduce_sum", "tf.math.log1p", "tf.nn.relu", "tf.linalg.matvec",
                 "tf.random.normal", "tf.data.Dataset.map", "tf.keras.layers.Dense",
                 "tf.keras.losses.MeanSquaredError", "tf.keras.optimizers.Adam"):
        assert name in PUBLIC, name
    assert len(PUBLIC) > 300


def test_own_doc_does_not_count_an_inherited_class_docstring():
    class Documented:
        """Something."""

    class Undocumented(Documented):
        pass

    assert own_doc(Documented) == "Something."
    assert own_doc(Undocumented) == ""


def test_every_public_callable_has_a_docstring():
    missing = sorted(name for name, obj in PUBLIC.items() if not own_doc(obj))
    assert not missing, (f"{len(missing)} public names without a docstring (say what TF "
                         f"does, ideally with a small doctest): {', '.join(missing)}")


@pytest.mark.parametrize("name", ["tf.reduce_sum", "tf.data.Dataset.batch",
                                  "tf.keras.losses.SparseCategoricalCrossentropy"])
def test_docstrings_teach_with_an_example(name):
    assert ">>>" in own_doc(PUBLIC[name])
