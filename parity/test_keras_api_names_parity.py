"""The loss and metric function names of ``keras.losses`` / ``keras.metrics`` (Keras's own
namespace) and ``tf.keras.losses`` / ``tf.keras.metrics`` (its TF-compatible one), compared
with Keras 3 under TF: every function name Keras exports in either is present in minitf's
matching namespace exactly when Keras has it (save the functions minitf does not implement,
listed below and checked absent), and the aliases name the same function objects as Keras's."""
import inspect
import sys

import pytest

import minitf

# Keras functions minitf does not implement yet (they are absent from both spellings).
NOT_IMPLEMENTED = {
    "losses": {"binary_focal_crossentropy", "categorical_focal_crossentropy",
               "categorical_generalized_cross_entropy", "circle", "ctc", "dice", "tversky",
               "serialize", "deserialize", "Reduction"},
    "metrics": {"binary_focal_crossentropy", "categorical_focal_crossentropy",
                "concordance_correlation", "pearson_correlation", "serialize", "deserialize"},
}


def _function_names(ns) -> set:
    return {n for n in dir(ns) if not n.startswith("_") and callable(getattr(ns, n))
            and not inspect.isclass(getattr(ns, n))}


def _namespaces(framework_keras_tf, framework_keras, kind):
    return getattr(framework_keras_tf, kind), getattr(framework_keras, kind)


@pytest.fixture(scope="module")
def keras_real(tf_real):
    import keras
    return keras


@pytest.mark.parametrize("kind", ["losses", "metrics"])
def test_function_names_match_keras(tf_real, keras_real, kind):
    k_tf, k_own = getattr(tf_real.keras, kind), getattr(keras_real, kind)
    m_tf, m_own = getattr(minitf.keras, kind), getattr(sys.modules["minitf.keras"], kind)
    names = (_function_names(k_tf) | _function_names(k_own) | {"Reduction"}) - \
        NOT_IMPLEMENTED[kind]
    for name in sorted(names):
        assert hasattr(m_tf, name) == hasattr(k_tf, name), f"tf.keras.{kind}.{name}"
        assert hasattr(m_own, name) == hasattr(k_own, name), f"keras.{kind}.{name}"
    for name in NOT_IMPLEMENTED[kind]:        # keep the list honest
        assert not hasattr(m_tf, name) and not hasattr(m_own, name), name
    # and no function Keras lacks
    assert _function_names(m_tf) <= _function_names(k_tf)
    assert _function_names(m_own) <= _function_names(k_own)


def _groups(namespaces: dict) -> set:
    """Which of the names (across the namespaces) are the same object, as a set of frozensets
    of qualified names."""
    objs = {}
    for label, ns in namespaces.items():
        for name in _function_names(ns):
            objs.setdefault(id(getattr(ns, name)), set()).add(f"{label}.{name}")
    return {frozenset(g) for g in objs.values()}


def test_aliases_are_the_same_functions_as_keras(tf_real, keras_real):
    skip = NOT_IMPLEMENTED["losses"] | NOT_IMPLEMENTED["metrics"]

    def spaces(k_tf, k_own):
        return {"tf.losses": k_tf.losses, "tf.metrics": k_tf.metrics,
                "keras.losses": k_own.losses, "keras.metrics": k_own.metrics}

    def filtered(groups):
        out = set()
        for g in groups:
            g = frozenset(n for n in g if n.rsplit(".", 1)[1] not in skip)
            if len(g) > 1:
                out.add(g)
        return out
    want = filtered(_groups(spaces(tf_real.keras, keras_real)))
    got = filtered(_groups(spaces(minitf.keras, sys.modules["minitf.keras"])))
    # minitf's modules also hold helpers Keras does not export (squeeze_or_expand_to_same_rank):
    # compare the groups of names Keras exports.
    exported = {n for g in want for n in g}
    got = {frozenset(n for n in g if n in exported) for g in got}
    got = {g for g in got if len(g) > 1}
    assert got == want
