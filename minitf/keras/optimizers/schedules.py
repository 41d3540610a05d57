"""Learning-rate schedules: called with the step (the optimizer's ``iterations``), computed in
float32 as Keras does.

>>> from minitf import keras
>>> s = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
>>> round(float(s(10)), 6), round(float(s(20)), 6)
(0.05, 0.025)
"""
from __future__ import annotations

import numpy as np


from ..serialization import AutoConfig, object_config


class LearningRateSchedule(AutoConfig):
    """Base class of learning-rate schedules: ``schedule(step)`` gives the rate for an
    optimizer step; pass a schedule as ``learning_rate`` to an optimizer."""
    def __call__(self, step):
        raise NotImplementedError

    def get_config(self) -> dict:
        """The constructor arguments (Keras's config keys; see ``keras.saving``)."""
        return object_config(self, LearningRateSchedule.get_config)

    @classmethod
    def from_config(cls, config):
        """``cls(**config)`` (Keras keys minitf does not take are dropped at their off
        values)."""
        from ..serialization import from_config_kwargs
        return cls(**from_config_kwargs(cls, config))


def _pow32(base: np.float32, exp: np.float32) -> np.float32:
    # TF's float32 pow agrees with the float64 power rounded to float32 (TF_SEMANTICS §6 R3).
    return np.float32(np.float64(base) ** np.float64(exp))


class ExponentialDecay(LearningRateSchedule):
    """initial · rate^(step / decay_steps), with ``staircase`` flooring the exponent."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        if decay_steps <= 0:
            raise ValueError(f"Argument `decay_steps` must be > 0. Received: "
                             f"decay_steps={decay_steps}")
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def __call__(self, step):
        p = np.float32(step) / np.float32(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        return np.float32(self.initial_learning_rate) * _pow32(np.float32(self.decay_rate), p)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``; with
    ``staircase=True`` the ratio ``step / decay_steps`` is floored."""
    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def __call__(self, step):
        p = np.float32(step) / np.float32(self.decay_steps)
        if self.staircase:
            p = np.floor(p)
        return np.float32(self.initial_learning_rate) / (
            np.float32(1) + np.float32(self.decay_rate) * p)


class PiecewiseConstantDecay(LearningRateSchedule):
    """values[0] while step <= boundaries[0], values[1] while step <= boundaries[1], ..."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError("The length of boundaries should be 1 less than the length of "
                             f"values. Received: boundaries={boundaries} of length "
                             f"{len(boundaries)}, and values={values} of length {len(values)}.")
        self.boundaries, self.values, self.name = list(boundaries), list(values), name

    def __call__(self, step):
        step = float(step)
        for b, v in zip(self.boundaries, self.values):
            if step <= b:
                return np.float32(v)
        return np.float32(self.values[-1])

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay from ``initial_learning_rate`` to ``alpha * initial_learning_rate`` over
    ``decay_steps``, then constant:
    ``initial * ((1 - alpha) * 0.5 * (1 + cos(pi * step / decay_steps)) + alpha)``."""
    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay"):
        self.initial_learning_rate, self.decay_steps, self.alpha = (initial_learning_rate,
                                                                    decay_steps, alpha)
        self.name = name

    def __call__(self, step):
        p = min(float(step), self.decay_steps) / self.decay_steps
        cos = 0.5 * (1 + np.cos(np.pi * p))
        return np.float32(self.initial_learning_rate * ((1 - self.alpha) * cos + self.alpha))
