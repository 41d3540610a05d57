"""LossScaleOptimizer: dynamic loss scaling around another optimizer (Keras 3's).

For mixed precision, the loss is multiplied by a scale (``scale_loss``; ``fit`` does it inside
the tape) so that small float16 gradients do not underflow; ``apply_gradients`` divides the
gradients by the scale again. When every gradient is finite, the inner optimizer applies them
and a counter grows: after ``dynamic_growth_steps`` finite steps in a row the scale doubles.
When any gradient is inf or NaN, the step is skipped (the variables, the inner optimizer's
slots and its ``iterations`` keep their values) and the scale halves.

The decision is made with array operations (no host read), so the step also works inside a
traced ``fit`` step: the inner update is computed and then kept or discarded elementwise.

>>> import minitf as tf
>>> v = tf.Variable([1.0, 1.0])
>>> opt = tf.keras.optimizers.LossScaleOptimizer(tf.keras.optimizers.SGD(0.1),
...                                              initial_scale=4.0)
>>> _ = opt.apply_gradients([(tf.constant([8.0, 8.0]), v)])    # gradients of 4 x the loss
>>> v.numpy(), float(opt.dynamic_scale)
(array([0.8, 0.8], dtype=float32), 4.0)
>>> _ = opt.apply_gradients([(tf.constant([float("inf"), 8.0]), v)])   # skipped
>>> v.numpy(), float(opt.dynamic_scale)
(array([0.8, 0.8], dtype=float32), 2.0)
"""
from __future__ import annotations

import numpy as np

from ...tensor import _make
from ...variable import Variable
from .base_optimizer import Optimizer

_BASE_DEFAULTS = {"weight_decay": None, "clipnorm": None, "global_clipnorm": None,
                  "clipvalue": None, "use_ema": False, "ema_momentum": 0.99,
                  "ema_overwrite_frequency": None, "loss_scale_factor": None,
                  "gradient_accumulation_steps": None}


class LossScaleOptimizer(Optimizer):
    """Dynamic loss scaling around ``inner_optimizer`` (see the module docstring)."""

    def __init__(self, inner_optimizer, initial_scale=2.0 ** 15, dynamic_growth_steps=2000,
                 name=None, **kwargs):
        if not kwargs.pop("dynamic", True):
            raise ValueError("LossScaleOptimizer no longer supports `dynamic=False`. Instead, "
                             "simply set `loss_scale_factor` directly on the "
                             "`inner_optimizer`.")
        for arg, default in _BASE_DEFAULTS.items():
            if arg in kwargs:
                value = kwargs.pop(arg)
                if (default is None and value is not None) or value != default:
                    raise ValueError(f"LossScaleOptimizer does not support `{arg}`. Instead, "
                                     f"set `{arg}` on the `inner_optimizer`.")
        if kwargs:
            raise ValueError(f"LossScaleOptimizer does not support arguments: "
                             f"`{'`, `'.join(kwargs)}`.")
        super().__init__(learning_rate=0.0, name=name or "loss_scale_optimizer")
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        self.step_counter = None
        self.dynamic_scale = None

    def build(self, var_list) -> None:
        self.step_counter = Variable(np.int64(0), name="step_counter", trainable=False)
        self.dynamic_scale = Variable(np.float32(self.initial_scale), name="dynamic_scale",
                                      trainable=False)
        if not self.inner_optimizer.built:
            self.inner_optimizer.build(list(var_list))
        self.built = True

    @property
    def variables(self) -> list:
        own = [self._own_iterations, self._lr, self.step_counter, self.dynamic_scale]
        return [v for v in own if v is not None] + self.inner_optimizer.variables

    # the inner optimizer's step counter and learning rate, as in Keras
    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @iterations.setter
    def iterations(self, value):
        # Optimizer.__init__ creates a counter of its own; Keras lists it in `variables`.
        self._own_iterations = value

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if "inner_optimizer" in self.__dict__:
            self.inner_optimizer.learning_rate = value

    lr = learning_rate

    def scale_loss(self, loss):
        """``loss * scale`` (the current dynamic scale once built, else ``initial_scale``)."""
        from ...ops import math_ops as M
        from ...tensor import convert_to_tensor
        loss = convert_to_tensor(loss)
        if not self.built:
            return M.multiply(loss, convert_to_tensor(self.initial_scale, loss.dtype))
        # float32 scale; a float64 loss multiplies by it exactly (type promotion, as in Keras)
        return M.multiply(loss, M.cast(self.dynamic_scale, loss.dtype))

    def _state(self) -> list:
        """Every Variable the inner optimizer owns (counters, slots, per-rule state)."""
        inner = self.inner_optimizer
        out = [inner.iterations] + list(inner._slots.values())
        out += [v for k, v in vars(inner).items() if isinstance(v, Variable) and
                not any(v is o for o in out)]
        return out

    def apply_gradients(self, grads_and_vars, **kwargs):
        """Unscale, then apply with the inner optimizer when all gradients are finite (see
        the module); returns the inner optimizer's ``iterations``."""
        pairs = [(g, v) for g, v in grads_and_vars]
        if not pairs:
            return self.iterations
        if not self.built:
            self.build([v for _, v in pairs])
        inner = self.inner_optimizer
        for _, v in pairs:                 # slots first, so that they are saved below
            if not any(v is w for w in inner._vars):
                inner._vars.append(v)
                inner.build_slots(v)
        present = [(self._as_array(g, v), v) for g, v in pairs if g is not None]
        finite = np.all(np.stack([np.all(np.isfinite(g)) for g, _ in present])) if present \
            else np.bool_(True)         # all None: the inner optimizer raises, as in Keras
        scale = self.dynamic_scale._value
        unscaled = []
        for g, v in pairs:
            if g is not None:
                a = self._as_array(g, v)
                # as a tensor again: the inner optimizer reads tensors (also traced ones)
                g = _make(a / scale.astype(a.dtype), v._dtype)
            unscaled.append((g, v))
        watched = self._state() + [v for _, v in pairs]
        saved = [v._value.copy() for v in watched]
        with np.errstate(all="ignore"):
            inner.apply_gradients(unscaled)
        for v, old in zip(watched, saved):
            v._value = np.where(finite, v._value, old)
        counter = self.step_counter._value
        grow = counter == np.int64(self.dynamic_growth_steps - 1)
        zero = np.zeros_like(counter)
        self.step_counter._value = np.where(finite, np.where(grow, zero, counter + 1), zero)
        self.dynamic_scale._value = np.where(
            finite, np.where(grow, scale * np.float32(2.0), scale), scale * np.float32(0.5))
        return self.iterations

    def get_config(self):
        from ..serialization import serialize_keras_object
        return {"name": self.name, "inner_optimizer": serialize_keras_object(self.inner_optimizer),
                "initial_scale": self.initial_scale,
                "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config):
        from ..serialization import deserialize_keras_object
        config = dict(config)
        inner = deserialize_keras_object(config.pop("inner_optimizer"))
        return cls(inner, **config)
