"""The two spellings of Keras's loss and metric functions: ``keras.*`` versus ``tf.keras.*``.

Keras 3 exports its API twice. ``import keras`` gives Keras's own namespace, where the loss and
metric functions have their long names only (``keras.losses.mean_squared_error``,
``keras.metrics.kl_divergence``). ``tf.keras`` is Keras's TF-compatibility namespace
(``keras._tf_keras.keras``), where the same functions go by the short names TF 2 used
(``tf.keras.losses.MSE``, ``mse``, ``KLD``, ``logcosh``, ...) and the long names are absent.
Everything else is the same objects in both.

minitf keeps one implementation (``keras/losses.py``, ``keras/metrics.py``) and shows it
through views: ``minitf.keras`` (the module, what a program's ``import keras`` stands for) has
Keras's own ``losses`` and ``metrics``, while ``tf.keras`` is a view of the whole package whose
``losses`` and ``metrics`` are the TF-compatible ones. A name a view hides is an
AttributeError, as in Keras.

>>> import minitf as tf
>>> tf.keras.losses.MSE is tf.keras.metrics.mse
True
>>> hasattr(tf.keras.losses, "mean_squared_error")
False
>>> from minitf.keras import losses
>>> losses.mean_squared_error is tf.keras.losses.MSE, hasattr(losses, "MSE")
(True, False)
"""
from __future__ import annotations

import types

# The function names only tf.keras has, and those only Keras's own namespace has
# (keras 3.15: losses and metrics alike).
TF_KERAS_ONLY = frozenset({"KLD", "MAE", "MAPE", "MSE", "MSLE", "kld", "mae", "mape", "mse",
                           "msle", "kullback_leibler_divergence", "logcosh"})
KERAS_ONLY = frozenset({"kl_divergence", "log_cosh", "mean_absolute_error",
                        "mean_absolute_percentage_error", "mean_squared_error",
                        "mean_squared_logarithmic_error"})
# minitf's helpers that its modules hold but Keras does not export (hidden in both spellings).
_LOSSES_HELPERS = frozenset({"apply_mask", "convert_to_tensor", "is_tensor", "object_config",
                             "mean_squared_error_over_batch", "reduce_weighted_values",
                             "squeeze_or_expand_to_same_rank"})
_METRICS_HELPERS = frozenset({"accuracy", "cosine_similarity", "squeeze_or_expand_to_same_rank"})


class ModuleView(types.ModuleType):
    """A module that shows another one's attributes, less ``hidden`` ones and with some
    ``replaced``. The view holds a copy of the public names (so ``vars()`` and ``dir()`` list
    them) and looks up anything added to the module later; setting an attribute sets it on
    the module behind too."""

    def __init__(self, name: str, base, hidden=(), replaced=None) -> None:
        super().__init__(name, base.__doc__)
        d = vars(self)
        d["_base"], d["_hidden"], d["_replaced"] = base, frozenset(hidden), dict(replaced or {})
        for key, value in vars(base).items():
            if not key.startswith("__") and key not in d["_hidden"]:
                d[key] = value
        d.update(d["_replaced"])

    def __getattr__(self, name: str):
        # Only reached for names the view itself does not hold.
        replaced = vars(self)["_replaced"]
        if name in replaced:
            return replaced[name]
        if name in vars(self)["_hidden"]:
            raise AttributeError(f"module '{self.__name__}' has no attribute '{name}'")
        return getattr(vars(self)["_base"], name)

    def __setattr__(self, name: str, value) -> None:
        d = vars(self)
        if name in d["_replaced"]:
            d["_replaced"][name] = value
        else:
            setattr(d["_base"], name, value)
            if name in d["_hidden"]:
                return
        d[name] = value

    def __delattr__(self, name: str) -> None:
        d = vars(self)
        if name not in d["_replaced"]:
            delattr(d["_base"], name)
        d.pop(name, None)

    def __dir__(self) -> list:
        d = vars(self)
        names = set(dir(d["_base"])) | set(d["_replaced"]) | {k for k in d if k[:1] != "_"}
        return sorted(names - d["_hidden"])

    def __repr__(self) -> str:
        return f"<module '{self.__name__}' (a view of {vars(self)['_base'].__name__})>"


def views(package, losses, metrics) -> tuple:
    """``(keras_losses, keras_metrics, tf_keras)``: Keras's own ``losses``/``metrics`` views
    and the ``tf.keras`` view of ``package`` with the TF-compatible ones."""
    keras_losses = ModuleView(losses.__name__, losses, hidden=TF_KERAS_ONLY | _LOSSES_HELPERS)
    keras_metrics = ModuleView(metrics.__name__, metrics,
                               hidden=TF_KERAS_ONLY | _METRICS_HELPERS)
    tf_losses = ModuleView(losses.__name__, losses, hidden=KERAS_ONLY | _LOSSES_HELPERS)
    tf_metrics = ModuleView(metrics.__name__, metrics, hidden=KERAS_ONLY | _METRICS_HELPERS)
    # An empty __path__: the view is a package (``import tensorflow.keras.layers`` works
    # through the corpus's aliases), but nothing imports the package's files a second time
    # under the view's name; its submodules are reached as attributes.
    tf_keras = ModuleView(package.__name__, package,
                          replaced={"losses": tf_losses, "metrics": tf_metrics, "__path__": []})
    return keras_losses, keras_metrics, tf_keras
