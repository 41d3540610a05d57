"""Keras 3's Adamax, Adadelta, Ftrl and Lion update rules, in NumPy at the variable's dtype.

Written like rules.py: each line follows Keras's order of operations; ``cast`` (a Python float
through float32, R2) where Keras calls ``ops.cast``, ``power`` (R3) for powers of the step;
Python floats that Keras combines with tensors directly (``1 - beta_1``, ``epsilon``, ``rho``)
become the variable's dtype without passing through float32. On CuPy the same NumPy
expressions dispatch to the GPU (one kernel per operation); fused.py's one-launch kernels do not
cover these rules.

>>> import minitf as tf
>>> v = tf.Variable([1.0, -1.0])
>>> opt = tf.keras.optimizers.Lion(learning_rate=0.1)
>>> _ = opt.apply_gradients([(tf.constant([0.5, -2.0]), v)])
>>> v.numpy()            # a step of lr against the sign of the interpolated momentum
array([ 0.9, -0.9], dtype=float32)
"""
from __future__ import annotations

import numpy as np

from .base_optimizer import Optimizer, cast, power, step_number


def _store(var, arr) -> None:
    # A fresh array: tensors read from the variable earlier keep their values.
    var._value = arr


class Adamax(Optimizer):
    """Adam with the infinity norm: m += (g - m)(1 - β1); u = max(β2·u, |g|);
    v -= lr·m / ((1 - β1^t)(u + ε)).

    >>> import minitf as tf
    >>> v = tf.Variable([1.0])
    >>> _ = tf.keras.optimizers.Adamax(0.1).apply_gradients([(tf.constant([2.0]), v)])
    >>> round(float(v[0]), 6)      # first step: lr·0.1g / (0.1·(|g| + ε)) ≈ lr·sign(g)
    0.9
    """

    _slot_groups = (("momentum", "norm"),)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="adamax", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def build_slots(self, var):
        self.add_slot(var, "momentum")
        self.add_slot(var, "norm")

    def update_step(self, g, var, lr):
        dt = g.dtype.type
        b1p = power(cast(self.beta_1, dt), step_number(self), dt)
        ms, us = self.slot(var, "momentum"), self.slot(var, "norm")
        m = ms._value + (g - ms._value) * dt(1 - self.beta_1)
        u = np.maximum(dt(self.beta_2) * us._value, np.abs(g))
        _store(ms, m)
        _store(us, u)
        _store(var, var._value - (lr * m) / ((dt(1) - b1p) * (u + dt(self.epsilon))))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


class Adadelta(Optimizer):
    """acc_g = ρ·acc_g + (1-ρ)g²; Δ = -√(acc_Δ + ε)·g / √(acc_g + ε);
    acc_Δ = ρ·acc_Δ + (1-ρ)Δ²; v += lr·Δ (Keras's default lr is 0.001, not 1.0).

    >>> import minitf as tf
    >>> tf.keras.optimizers.Adadelta().rho
    0.95
    """

    _slot_groups = (("accumulated_grad", "accumulated_delta_var"),)

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, name="adadelta", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho, self.epsilon = rho, epsilon

    def build_slots(self, var):
        self.add_slot(var, "accumulated_grad")
        self.add_slot(var, "accumulated_delta_var")

    def update_step(self, g, var, lr):
        dt = g.dtype.type
        rho, one_minus, eps = dt(self.rho), dt(1 - self.rho), dt(self.epsilon)
        gs, ds = self.slot(var, "accumulated_grad"), self.slot(var, "accumulated_delta_var")
        acc_g = rho * gs._value + one_minus * np.square(g)
        _store(gs, acc_g)
        delta = -((np.sqrt(ds._value + eps) * g) / np.sqrt(acc_g + eps))
        _store(ds, rho * ds._value + one_minus * np.square(delta))
        _store(var, var._value + lr * delta)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}


class Ftrl(Optimizer):
    """Follow-the-regularized-leader (McMahan et al., 2013), Keras's form:
    n' = n + g²; z += g̃ - (n'^(-p) - n^(-p))/lr · v with g̃ = g + 2·λ_shrink·v;
    v = (clip(z, -λ1, λ1) - z) / (n'^(-p)/lr + 2·λ2'), λ2' = λ2 + β/(2·lr); n = n'.
    ``initial_accumulator_value`` (0.1) starts n, through a float32 constant.

    >>> import minitf as tf
    >>> try:
    ...     tf.keras.optimizers.Ftrl(l1_regularization_strength=-1.0)
    ... except ValueError as e:
    ...     print(str(e)[:57])
    `l1_regularization_strength` needs to be positive or zero
    """

    _slot_groups = (("accumulator", "linear"),)

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
                 beta=0.0, name="ftrl", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        checks = (("initial_accumulator_value", initial_accumulator_value, "positive or zero",
                   initial_accumulator_value < 0.0),
                  ("learning_rate_power", learning_rate_power, "negative or zero",
                   learning_rate_power > 0.0),
                  ("l1_regularization_strength", l1_regularization_strength, "positive or zero",
                   l1_regularization_strength < 0.0),
                  ("l2_regularization_strength", l2_regularization_strength, "positive or zero",
                   l2_regularization_strength < 0.0),
                  ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength,
                   "positive or zero", l2_shrinkage_regularization_strength < 0.0))
        for arg, value, want, bad in checks:
            if bad:
                raise ValueError(f"`{arg}` needs to be {want}. Received: {arg}={value}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build_slots(self, var):
        dt = var._dtype.as_numpy_dtype
        self.add_slot(var, "accumulator", init=cast(self.initial_accumulator_value, dt))
        self.add_slot(var, "linear")

    def update_step(self, g, var, lr):
        dt = g.dtype.type
        p = dt(-self.learning_rate_power)
        l2 = dt(self.l2_regularization_strength) + dt(self.beta) / (dt(2.0) * lr)
        v = var._value
        grad = g + dt(2 * self.l2_shrinkage_regularization_strength) * v
        ns, zs = self.slot(var, "accumulator"), self.slot(var, "linear")
        n = ns._value
        n_new = n + np.square(g)
        z = zs._value + (grad - ((np.power(n_new, p) - np.power(n, p)) / lr) * v)
        _store(zs, z)
        quadratic = np.power(n_new, p) / lr + dt(2) * l2
        l1 = dt(self.l1_regularization_strength)
        _store(var, (np.clip(z, -l1, l1) - z) / quadratic)
        _store(ns, n_new)

    def get_config(self):
        return {**super().get_config(), "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength":
                    self.l2_shrinkage_regularization_strength,
                "beta": self.beta}


class Lion(Optimizer):
    """EvoLved sign momentum (Chen et al., 2023): v -= lr·sign(β1·m + (1-β1)·g), then
    m = β2·m + (1-β2)·g (β1, β2 cast through float32 as Keras does).

    >>> import minitf as tf
    >>> try:
    ...     tf.keras.optimizers.Lion(beta_1=0.0)
    ... except ValueError as e:
    ...     print(str(e)[:45])
    Argument `beta_1` must be in the [0, 1] range
    """

    _slot_groups = (("momentum",),)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, name="lion", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2 = beta_1, beta_2
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(f"Argument `beta_1` must be in the [0, 1] range. Otherwise, the "
                             f"optimizer degenerates to SignSGD. Received: beta_1={beta_1}.")

    def build_slots(self, var):
        self.add_slot(var, "momentum")

    def update_step(self, g, var, lr):
        dt = g.dtype.type
        b1, b2 = cast(self.beta_1, dt), cast(self.beta_2, dt)
        ms = self.slot(var, "momentum")
        m = ms._value
        _store(var, var._value - lr * np.sign(m * b1 + g * (dt(1.0) - b1)))
        _store(ms, m * b2 + g * (dt(1.0) - b2))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
