"""``keras.optimizers``: SGD, Adam, AdamW, RMSprop, Adagrad, Nadam, Adamax, Adadelta, Ftrl, Lion,
LossScaleOptimizer, schedules, ``get``."""
from . import schedules  # noqa: F401
from .base_optimizer import Optimizer  # noqa: F401
from .. import _lookup
from .rules import SGD, Adagrad, Adam, AdamW, Nadam, RMSprop  # noqa: F401
from .more_rules import Adadelta, Adamax, Ftrl, Lion  # noqa: F401
from .loss_scale_optimizer import LossScaleOptimizer  # noqa: F401

_BY_NAME = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop, "adagrad": Adagrad,
            "nadam": Nadam, "adamax": Adamax, "adadelta": Adadelta, "ftrl": Ftrl, "lion": Lion}


def get(identifier):
    """An optimizer from a name (``"adam"``, any case), a config dict or an instance (Keras's
    ``keras.optimizers.get``)."""
    return _lookup.get("optimizer", identifier, by_name=_BY_NAME, base=Optimizer, lower=True,
                       callables=False)
