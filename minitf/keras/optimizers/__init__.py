"""``keras.optimizers``: SGD, Adam, AdamW, RMSprop, Adagrad, Nadam, schedules, ``get``."""
from . import schedules  # noqa: F401
from .base_optimizer import Optimizer  # noqa: F401
from .rules import SGD, Adagrad, Adam, AdamW, Nadam, RMSprop  # noqa: F401

_BY_NAME = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop, "adagrad": Adagrad,
            "nadam": Nadam}


def get(identifier):
    """An optimizer from a name ("adam"), a config dict, or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier.lower())
        if cls is None:
            raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}. "
                             f"Known: {sorted(_BY_NAME)}")
        return cls()
    if isinstance(identifier, dict):
        return _BY_NAME[identifier["class_name"].lower()](**identifier.get("config", {}))
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")
