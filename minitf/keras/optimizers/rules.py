"""The update rules of Keras 3's optimizers, one class each, in NumPy at the variable's dtype.

Each line follows Keras's order of operations; ``cast`` and ``power`` are the float32 rounding
rules of base_optimizer.py (R2, R3). Python floats that Keras uses directly (``1 - beta_1``,
``epsilon``, ``rho``) are converted to the variable's dtype without passing through float32.
"""
from __future__ import annotations

import numpy as np

from ... import _backend as B
from . import fused
from .base_optimizer import Optimizer, cast, power, step_number


def _subtract(var, step) -> None:
    """var -= step. In place when the Variable owns its array (no tensor was read from it since
    it was made, see variable.py); otherwise into a new array, so earlier reads keep their values.
    Inside a tf.function trace the replayed program asks the same question on every call."""
    arr = var._value
    writable = (type(arr) is np.ndarray and arr.flags.writeable) or B.is_device_array(arr)
    if writable and (B.is_symbolic(arr) or not var._lent):
        np.subtract(arr, step, out=arr)
    else:
        var._own(arr - step)


def _writable(var):
    """The Variable's array, safe to update in place: copied first if it is lent (a tensor
    read from it may alias it). Inside a trace the replayed program decides on each call
    (minitf/function/codegen.py)."""
    arr = var._value
    if var._lent and not B.is_symbolic(arr):
        arr = arr.copy()
        var._own(arr)
    return arr


def _fused(opt, kind: str, scalars: tuple, *arrays) -> None:
    """Queue a GPU update for the step's one launch (fused.py); launched at once when
    ``update_step`` is called outside ``apply_gradients``."""
    pending = getattr(opt, "_pending", None)
    if pending is None:
        pending = {}
        fused.queue(pending, kind, scalars, *arrays)
        fused.flush(pending)
    else:
        fused.queue(pending, kind, scalars, *arrays)


def _store(var, arr):
    """Replace a variable's array with ``arr`` (fresh, right dtype and shape: the variable owns
    it) without a conversion copy; the old array is never written, so tensors read earlier keep
    their values."""
    var._own(arr)


class SGD(Optimizer):
    """v -= lr·g; with momentum m = m·μ - lr·g then v += m (Nesterov: v += m·μ - lr·g)."""

    # The order Keras creates slots in (a saved file's order): see keras/saving_lib.py.
    _slot_groups = (("momentum",),)

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if not 0 <= momentum <= 1:
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum, self.nesterov = momentum, nesterov

    def build_slots(self, var):
        if self.momentum != 0:
            self.add_slot(var, "momentum")

    def update_step(self, g, var, lr):
        dt = g.dtype.type
        v = var._value
        if type(v) is not np.ndarray and fused.supported(v, g):  # (host arrays never are)
            if self.momentum != 0:
                kind = "sgd_nesterov" if self.nesterov else "sgd_momentum"
                _fused(self, kind, (lr, cast(self.momentum, dt)), _writable(var), g,
                       _writable(self.slot(var, "momentum")))
            else:
                _fused(self, "sgd", (lr,), _writable(var), g)
            return
        if self.momentum != 0:
            slot = self.slot(var, "momentum")
            mu = cast(self.momentum, dt)
            m = slot._value * mu - g * lr
            _store(slot, m)
            _store(var, v + (m * mu - g * lr) if self.nesterov else v + m)
        else:
            var._own(v - g * lr)       # (_store's one line, without its call)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    """m += (g - m)(1 - β1); u += (g² - u)(1 - β2); v -= m·α / (√u + ε) with
    α = lr·√(1 - β2^t) / (1 - β1^t) (ε added to the uncorrected √u, as Keras does)."""

    _slot_groups = (("momentum", "velocity"), ("velocity_hat",))

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, name="adam", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad

    def build_slots(self, var):
        self.add_slot(var, "momentum")
        self.add_slot(var, "velocity")
        if self.amsgrad:
            self.add_slot(var, "velocity_hat")

    def update_step(self, g, var, lr):
        dt = g.dtype.type
        if fused.supported(var._value, g) and not self.amsgrad:
            _fused(self, "adam", (self.iterations._value, lr, np.float64(cast(self.beta_1, dt)),
                                  np.float64(cast(self.beta_2, dt)), dt(1 - self.beta_1),
                                  dt(1 - self.beta_2), dt(self.epsilon)),
                   _writable(var), g, _writable(self.slot(var, "momentum")),
                   _writable(self.slot(var, "velocity")))
            return
        # α is the same for every variable of a step: computed once.
        per_step = getattr(self, "_per_step", None)
        if per_step is None:
            per_step = {}
        alpha = per_step.get(("alpha", dt))
        if alpha is None:
            t = step_number(self)
            b1p = power(cast(self.beta_1, dt), t, dt)
            b2p = power(cast(self.beta_2, dt), t, dt)
            alpha = lr * np.sqrt(dt(1) - b2p) / (dt(1) - b1p)
            per_step[("alpha", dt)] = alpha
        m = _writable(self.slot(var, "momentum"))     # slots are updated in place (copied first
        u = _writable(self.slot(var, "velocity"))     # if a tensor was read from them)
        m += (g - m) * dt(1 - self.beta_1)
        u += (np.square(g) - u) * dt(1 - self.beta_2)
        if self.amsgrad:
            h = _writable(self.slot(var, "velocity_hat"))
            np.maximum(h, u, out=h)
            u = h
        step = m * alpha
        denom = np.sqrt(u)
        denom += dt(self.epsilon)
        step /= denom
        _subtract(var, step)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay (default 0.004) applied before each update."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, name="adamw", **kwargs):
        if weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: "
                             "weight_decay=None")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, name=name, weight_decay=weight_decay,
                         **kwargs)


class RMSprop(Optimizer):
    """vel = ρ·vel + (1-ρ)g²; v -= lr·g / √(vel + ε) (ε inside the root; centered subtracts the
    squared mean gradient; momentum accumulates the increments)."""

    _slot_groups = (("velocity",), ("momentum",), ("average_gradient",))

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, name="rmsprop", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered

    def build_slots(self, var):
        self.add_slot(var, "velocity")
        if self.momentum > 0:
            self.add_slot(var, "momentum")
        if self.centered:
            self.add_slot(var, "average_gradient")

    def update_step(self, g, var, lr):
        dt = g.dtype.type
        if fused.supported(var._value, g) and not self.centered and self.momentum <= 0:
            _fused(self, "rmsprop", (lr, dt(self.rho), dt(1 - self.rho), dt(self.epsilon)),
                   _writable(var), g, _writable(self.slot(var, "velocity")))
            return
        rho = dt(self.rho)
        vs = self.slot(var, "velocity")
        vel = rho * vs._value + dt(1 - self.rho) * np.square(g)
        _store(vs, vel)
        if self.centered:
            gs = self.slot(var, "average_gradient")
            avg = rho * gs._value + dt(1 - self.rho) * g
            _store(gs, avg)
            denom = vel - np.square(avg) + dt(self.epsilon)
        else:
            denom = vel + dt(self.epsilon)
        inc = (lr * g) / np.sqrt(denom)
        if self.momentum > 0:
            ms = self.slot(var, "momentum")
            mom = dt(self.momentum) * ms._value + inc
            _store(ms, mom)
            _store(var, var._value - mom)
        else:
            _store(var, var._value - inc)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}


class Adagrad(Optimizer):
    """acc += g²; v -= lr·g / √(acc + ε); acc starts at ``initial_accumulator_value``
    (through a float32 constant)."""

    _slot_groups = (("accumulator",),)

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 name="adagrad", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.initial_accumulator_value, self.epsilon = initial_accumulator_value, epsilon

    def build_slots(self, var):
        dt = var._dtype.as_numpy_dtype
        self.add_slot(var, "accumulator", init=cast(self.initial_accumulator_value, dt))

    def update_step(self, g, var, lr):
        dt = g.dtype.type
        acc_s = self.slot(var, "accumulator")
        acc = acc_s._value + np.square(g)
        _store(acc_s, acc)
        _store(var, var._value - (lr * g) / np.sqrt(acc + dt(self.epsilon)))

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon,
                "initial_accumulator_value": self.initial_accumulator_value}


class Nadam(Optimizer):
    """Adam with Nesterov momentum and the 0.96-decay momentum schedule (Dozat 2016)."""

    _slot_groups = (("momentum", "velocity"),)
    _extra_variables = ("_u_product",)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="nadam", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self._u_product = None

    def build(self, var_list):
        super().build(var_list)
        dt = var_list[0]._dtype.as_numpy_dtype
        from ...variable import Variable
        # On the variables' device (a 0-d GPU array with CuPy): updated there, never read back.
        self._u_product = Variable(dt(1.0), name="u_product", trainable=False)

    def build_slots(self, var):
        self.add_slot(var, "momentum")
        self.add_slot(var, "velocity")

    def before_updates(self, variables):
        up = self._u_product._value
        dt = up.dtype.type
        t = step_number(self)
        self._u_product.assign(up * dt(self.beta_1) * (dt(1.0) - dt(0.5) *
                                                       power(dt(0.96), t, dt)))

    def update_step(self, g, var, lr):
        dt = g.dtype.type
        t = step_number(self)
        decay = cast(0.96, dt)
        b1, b2 = cast(self.beta_1, dt), cast(self.beta_2, dt)
        u_t = b1 * (dt(1.0) - dt(0.5) * power(decay, t, dt))
        u_t1 = b1 * (dt(1.0) - dt(0.5) * power(decay, t + 1, dt))
        up_t = self._u_product._value.astype(dt)
        up_t1 = up_t * u_t1
        b2p = power(b2, t, dt)
        ms, vs = self.slot(var, "momentum"), self.slot(var, "velocity")
        m = ms._value + (g - ms._value) * (dt(1) - b1)
        v = vs._value + (np.square(g) - vs._value) * (dt(1) - b2)
        _store(ms, m)
        _store(vs, v)
        m_hat = (u_t1 * m) / (dt(1) - up_t1) + ((dt(1) - u_t) * g) / (dt(1) - up_t)
        v_hat = v / (dt(1) - b2p)
        _store(var, var._value - (m_hat * lr) / (np.sqrt(v_hat) + dt(self.epsilon)))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
