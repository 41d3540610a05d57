"""What every optimizer does around its update rule (Keras 3's ``BaseOptimizer.apply``):

1. on the first call, create the slot variables (in the order of the variables);
2. drop (None, variable) pairs, with a warning; all None is a ValueError;
3. clip the gradients (``clipnorm`` per tensor, ``global_clipnorm`` across all, ``clipvalue``);
4. apply decoupled weight decay: v -= v · wd · lr;
5. run each variable's update rule, then its constraint; ``iterations`` += 1.

Updates run in NumPy at the variable's dtype with Keras's rounding rules (TF_SEMANTICS §6):
R1 the learning rate lives in a float32 variable; R2 ``cast(python_float, dtype)`` goes through
float32; R3 float32 powers are float64 powers rounded to float32. With them, trajectories are
bit-identical to Keras's in float32 and float64.
"""
from __future__ import annotations

import warnings

import numpy as np

from ... import _backend as B
from . import fused
from ...tape import GradientTape
from ...tensor import EagerTensor, Tensor, convert_to_tensor
from ...variable import Variable
from ..serialization import AutoConfig
from .schedules import LearningRateSchedule
from .sliced_gradient import SlicedGradient
from ..checkpointing import optimizer_children
from ...train.checkpoint import retry_deferred


def cast(value, dt):
    """R2: a Python float cast to ``dt`` through float32, as ``ops.cast`` does in Keras."""
    return dt(np.float32(value))


def power(base, t, dt):
    """R3: ``base ** t`` computed in float64 and rounded to ``dt``. ``t`` may be an array
    scalar or a traced one (inside tf.function), so it is never read into a Python int."""
    return (np.float64(base) ** np.asarray(t, np.int64).astype(np.float64)).astype(dt) \
        if isinstance(t, int) else (np.float64(base) ** t.astype(np.float64)).astype(dt)


def step_number(optimizer):
    """The step being applied, ``iterations + 1``, as an int64 array scalar (traced inside
    tf.function, where it changes on every replay)."""
    return optimizer.iterations._value + np.int64(1)


class Optimizer(AutoConfig):
    """Base class. Subclasses define ``build_slots(var)`` and ``update_step(g, var, lr)``."""

    # Names of attributes holding a rule's own state variables besides its slots (Nadam's).
    _extra_variables: tuple = ()

    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, name=None, **kwargs):
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be "
                             f"set. Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                             f"global_clipnorm={global_clipnorm}")
        # Keras 3 drops `decay` with a warning and refuses every other unknown keyword with a
        # ValueError, Keras 2's `lr` included (the commonest spelling in older tutorials).
        unknown = {k: v for k, v in kwargs.items() if k not in {
            "loss_scale_factor", "gradient_accumulation_steps", "ema_momentum",
            "ema_overwrite_frequency"}}
        if unknown.pop("decay", None) is not None:
            import warnings
            warnings.warn("Argument `decay` is no longer supported and will be ignored.",
                          stacklevel=2)
        if unknown:
            raise ValueError(f"Argument(s) not recognized: {unknown}")
        self.name = name or type(self).__name__.lower()
        self.weight_decay = weight_decay
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.iterations = Variable(np.int64(0), name="iteration", trainable=False)
        self._schedule = None
        if isinstance(learning_rate, LearningRateSchedule) or (
                callable(learning_rate) and not isinstance(learning_rate, (int, float))):
            self._schedule = learning_rate
            self._lr = None
        elif isinstance(learning_rate, (float, np.floating)) and not isinstance(
                learning_rate, bool):
            self._lr = Variable(np.float32(learning_rate), name="learning_rate",
                                trainable=False)
        else:
            raise ValueError("Argument `learning_rate` should be float, or an instance of "
                             "LearningRateSchedule, or a callable (that takes in the current "
                             f"iteration value and returns the corresponding learning rate "
                             f"value). Received instead: learning_rate={learning_rate!r}")
        self._slots: dict = {}
        self._vars: list = []
        self._known_ids: dict = {}
        self._exclude: list = []
        self.built = False

    # ---- learning rate ----------------------------------------------------------------------
    def _current_lr(self) -> np.float32:
        if self._schedule is None:
            return self._lr._value           # a float32 scalar (traced inside tf.function)
        return B.stateful(self._scheduled_lr)

    def _scheduled_lr(self) -> np.float32:
        """The schedule's rate for this step: Python code, run on the host (on every replay of
        a traced step too, reading the step counter when it runs)."""
        sched = self._schedule
        it = self.iterations
        if isinstance(sched, LearningRateSchedule):
            return np.float32(np.asarray(sched(int(it._array))))
        try:
            return np.float32(np.asarray(sched(int(it._array))))
        except TypeError:
            return np.float32(np.asarray(sched()))

    def _host_lr(self) -> np.float32:
        return self._lr._array if self._schedule is None else self._scheduled_lr()

    @property
    def learning_rate(self):
        return convert_to_tensor(self._current_lr())

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, LearningRateSchedule) or callable(value):
            self._schedule, self._lr = value, None
        elif self._lr is None:
            self._schedule = None
            self._lr = Variable(np.float32(value), name="learning_rate", trainable=False)
        else:
            self._lr.assign(np.float32(value))

    lr = learning_rate

    # ---- slots ------------------------------------------------------------------------------
    def build(self, var_list) -> None:
        for v in var_list:
            self._vars.append(v)
            self.build_slots(v)
        self.built = True
        retry_deferred()     # slots a checkpoint restored before this step get their values

    def _checkpoint_children(self) -> list:
        """This optimizer's children in a ``tf.train.Checkpoint`` (named as Keras 3's)."""
        return optimizer_children(self)

    def build_slots(self, var) -> None:
        pass

    def add_slot(self, var, name: str, init=0.0):
        path = getattr(var, "path", var.name)
        arr = np.full(tuple(var.shape), init, dtype=var._dtype.as_numpy_dtype)
        slot = Variable(arr, name=f"{path}_{name}", trainable=False)
        slot._own(B.like(var._value, arr))      # slots live where their variable lives
        self._slots[(id(var), name)] = slot
        return slot

    def slot(self, var, name: str) -> Variable:
        return self._slots[(id(var), name)]

    @property
    def variables(self) -> list:
        lr = [] if self._lr is None else [self._lr]
        # Extra state a rule keeps (Nadam's running momentum product) comes last, as Keras
        # creates it after the slots; Keras counts it, e.g. in summary()'s optimizer params.
        extra = [v for v in (getattr(self, n, None) for n in self._extra_variables)
                 if v is not None]
        return [self.iterations] + lr + list(self._slots.values()) + extra

    def exclude_from_weight_decay(self, var_list=None, var_names=None) -> None:
        self._exclude = list(var_list or []) + list(var_names or [])

    # ---- applying ---------------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars, **kwargs):
        """Apply (gradient, variable) pairs; returns ``iterations``."""
        pairs = list(grads_and_vars)
        if not pairs:
            return self.iterations
        if not self.built:
            self.build([v for _, v in pairs])
        missing = []
        for g, v in pairs:
            if g is None:
                missing.append(v)
        if len(missing) == len(pairs):
            raise ValueError("No gradients provided for any variable.")
        if missing:
            warnings.warn(f"Gradients do not exist for variables {[v.name for v in missing]} "
                          "when minimizing the loss. If using `model.compile()`, did you forget "
                          "to provide a `loss` argument?", UserWarning, stacklevel=2)
            pairs = [(g, v) for g, v in pairs if g is not None]
        # The variables seen before, by identity (not ==, which is elementwise); kept from step
        # to step, and checked against _vars before a variable is taken as new (a wrapper
        # such as LossScaleOptimizer may have appended it there itself).
        known = self._known_ids
        grads, variables = [], []
        for g, v in pairs:
            if id(v) not in known:
                if not any(v is w for w in self._vars):
                    self._vars.append(v)
                    self.build_slots(v)
                # (holding v keeps its id from being reused). Its constraint is fixed when a
                # variable is made (a read-only property, as in TF and Keras): read it once.
                known[id(v)] = (v, getattr(v, "constraint", None))
            # The usual case, a host gradient of the variable's dtype for a host variable, is
            # the gradient's array; _as_gradient handles every other.
            gv = g._value if type(g) is EagerTensor and g._dtype is v._dtype else None
            grads.append(gv if type(gv) is np.ndarray and type(v._value) is np.ndarray else
                         self._as_gradient(g, v))
            variables.append(v)
        if self.clipnorm is not None or self.global_clipnorm is not None or \
                self.clipvalue is not None:
            grads = self._clip(grads)
        lr32 = self._current_lr()
        if self.weight_decay is not None:
            for v in variables:
                if self._decays(v):
                    dt = v._dtype.as_numpy_dtype
                    val = v._value
                    v._own(val - val * cast(self.weight_decay, dt) * lr32.astype(dt))
        self.before_updates(variables)
        self._per_step = {}        # values every variable's update shares (per dtype)
        self._pending = pending = {}   # GPU updates queued for one launch (fused.py)
        lrs: dict = {}
        try:
            for g, v in zip(grads, variables):
                dt = v._dtype.as_numpy_dtype
                lr = lrs.get(dt)
                if lr is None:
                    lr = lrs[dt] = lr32.astype(dt, copy=False)
                self.update_step(g, v, lr)
                if known[id(v)][1] is not None:
                    fused.flush(pending)     # the constraint reads the updated variable
                    v.assign(v.constraint(v))
            if pending:
                fused.flush(pending)
        finally:
            self._pending = None
        self.iterations._own(self.iterations._value + 1)
        return self.iterations

    def apply(self, grads, trainable_variables=None):
        """Keras 3's ``apply(grads, variables)``: ``apply_gradients`` with two lists."""
        if trainable_variables is None:
            trainable_variables = self._vars
        return self.apply_gradients(zip(grads, trainable_variables))

    def before_updates(self, variables) -> None:
        """Hook run once per step before the per-variable updates (Nadam uses it)."""

    def _decays(self, v) -> bool:
        name = getattr(v, "path", v.name)
        return not any(v is e or (isinstance(e, str) and e in name) for e in self._exclude)

    def _as_gradient(self, g, v):
        """The gradient the rule sees: an array, or for a ``tf.IndexedSlices`` gradient of a
        eager variable (host or GPU) a ``SlicedGradient`` that keeps repeated rows apart as
        Keras 3 does (sliced_gradient.py). Clipping and traced steps get it dense."""
        if type(g) is EagerTensor and g._dtype is v._dtype and \
                B.is_device_array(g._value) is B.is_device_array(v._value):  # the usual case
            return g._value
        if (getattr(g, "_is_indexed_slices", False)
                and (type(v._value) is np.ndarray
                     or (B.is_device_array(v._value) and not B.is_symbolic(v._value)))
                and self.clipnorm is None and self.global_clipnorm is None
                and self.clipvalue is None and g.dense_shape is not None):
            values = self._as_array(g.values, v)
            indices = g.indices._value
            if B.is_device_array(values) != B.is_device_array(indices):
                indices = B.xp_of(values).asarray(B.to_host(indices))
            return SlicedGradient(values, indices, tuple(v.shape))
        return self._as_array(g, v)

    @staticmethod
    def _as_array(g, v) -> np.ndarray:
        """The gradient as an array of the variable's dtype on the variable's device (a
        gradient given as a Python or NumPy number, or a tensor placed elsewhere, is moved:
        the GPU's update kernels read device memory only)."""
        if type(g) is EagerTensor and g._dtype is v._dtype and \
                B.is_device_array(g._value) is B.is_device_array(v._value):  # the usual case
            return g._value
        if getattr(g, "_is_indexed_slices", False):     # tf.IndexedSlices: made dense
            g = convert_to_tensor(g)
        if isinstance(g, Tensor):
            a = g._value
        elif isinstance(g, Variable):
            a = g._value
        else:
            a = np.asarray(g)
        dt = v._dtype.as_numpy_dtype
        a = a if a.dtype == dt else a.astype(dt)
        on_device = B.is_device_array(v._value)
        if on_device is not B.is_device_array(a) and not B.is_symbolic(a):
            a = B.xp_of(v._value).asarray(a) if on_device else B.to_host(a)
        return a

    def _clip(self, grads: list) -> list:
        if self.clipnorm is not None:
            out = []
            for g in grads:
                dt = g.dtype.type
                l2sum = np.sum(np.square(g), keepdims=True)
                pred = l2sum > 0
                l2norm = np.where(pred, np.sqrt(np.where(pred, l2sum, dt(1))), l2sum)
                out.append((g * dt(self.clipnorm)) / np.maximum(l2norm, dt(self.clipnorm)))
            return out
        if self.global_clipnorm is not None:
            dt = grads[0].dtype.type
            norm = np.sqrt(np.sum(np.stack([np.sum(np.square(g)) for g in grads])))
            c = dt(self.global_clipnorm)
            scale = c * np.minimum(dt(1) / norm, dt(1) / c)
            scale = scale + (norm - norm)      # an inf or nan norm makes every gradient NaN
            return [g * scale.astype(g.dtype) for g in grads]   # no host round trip on a GPU
        if self.clipvalue is not None:
            return [np.clip(g, -g.dtype.type(self.clipvalue), g.dtype.type(self.clipvalue))
                    for g in grads]
        return grads

    def update_step(self, gradient: np.ndarray, variable, lr) -> None:
        raise NotImplementedError

    def minimize(self, loss, var_list, tape: GradientTape | None = None):
        """Compute the gradients of ``loss`` (a tensor with ``tape``, or a callable) and apply
        them."""
        if callable(loss):
            with GradientTape() as tape:
                value = loss()
        else:
            if tape is None:
                raise ValueError("`tape` is required when a `Tensor` loss is passed. Received: "
                                 f"loss={loss}, tape={tape}.")
            value = loss
        var_list = var_list() if callable(var_list) else list(var_list)
        grads = tape.gradient(value, var_list)
        return self.apply_gradients(zip(grads, var_list))

    def get_config(self) -> dict:
        """Keras's optimizer config: the current learning rate (a float, or the schedule's
        config), the clipping and decay settings, and each rule's own arguments."""
        from ..serialization import serialize_keras_object
        lr = float(self._lr._array) if self._schedule is None else \
            serialize_keras_object(self._schedule)
        return {"name": self.name, "learning_rate": lr,
                "weight_decay": self.weight_decay, "clipnorm": self.clipnorm,
                "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
                "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                "loss_scale_factor": None, "gradient_accumulation_steps": None}

    @classmethod
    def from_config(cls, config):
        """``cls(**config)``, the learning rate schedule deserialised first."""
        from ..serialization import deserialize_keras_object
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = deserialize_keras_object(config["learning_rate"])
        from ..serialization import from_config_kwargs
        return cls(**from_config_kwargs(cls, config))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} learning_rate={float(self._host_lr()):g}>"


