"""Weight initializers with Keras's fan rules and distributions, drawing Keras's numbers.

Variance scaling: n = fan_in, fan_out or their mean; s = scale / max(1, n); ``uniform`` draws
from ±sqrt(3s); ``truncated_normal`` uses stddev sqrt(s) / 0.87962566103423978 cut at two
standard deviations (so the effective variance is s). As in Keras 3, every draw is a stateless
one (``keras.random``) seeded by the initializer's ``seed``: an unseeded initializer takes an
int from Python's ``random`` when it is made, so calling it twice gives the same values, and
after ``keras.utils.set_random_seed`` a model's initial weights equal Keras's.

>>> import minitf as tf
>>> w = tf.keras.initializers.GlorotUniform(seed=1)((300, 500))
>>> bool(tf.reduce_max(tf.abs(w)) <= (6 / 800) ** 0.5)
True
"""
from __future__ import annotations

import math

import numpy as np

from .. import dtypes
from ..tensor import _make, convert_to_tensor
from . import backend
from . import _lookup
from .serialization import AutoConfig, object_config


def compute_fans(shape) -> tuple:
    """``(fan_in, fan_out)`` of a weight shape as Keras computes them: for a kernel with
    receptive field dims, the field size multiplies both."""
    shape = tuple(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer(AutoConfig):
    """Base class of initializers: ``__call__(shape, dtype)`` returns the initial value."""
    def __call__(self, shape, dtype=None):
        raise NotImplementedError

    def get_config(self) -> dict:
        """The constructor arguments (Keras's config keys; see ``keras.saving``)."""
        return object_config(self, Initializer.get_config)

    @classmethod
    def from_config(cls, config):
        """``cls(**config)`` (Keras keys minitf does not take are dropped at their off
        values)."""
        from .serialization import from_config_kwargs
        return cls(**from_config_kwargs(cls, config))


def _dtype(dtype):
    return dtypes.as_dtype(dtype or backend.floatx())


class _Seeded(Initializer):
    """An initializer drawing with ``keras.random`` under its ``seed``: an int (the same
    values on every call), a ``keras.random.SeedGenerator`` (new values on every call) or None
    (an int taken now from Python's ``random``, as Keras 3 does)."""

    def __init__(self, seed=None):
        from . import random as krandom
        self._init_seed = seed
        if seed is None:
            seed = krandom.make_default_seed()
        elif isinstance(seed, dict):
            from .serialization import deserialize_keras_object
            seed = deserialize_keras_object(seed)
        elif not isinstance(seed, (int, krandom.SeedGenerator)):
            raise ValueError("`seed` argument should be an instance of "
                             "`keras.random.SeedGenerator()` or an integer. "
                             f"Received: seed={seed}")
        self.seed = seed

    def _seed_config(self):
        from .serialization import serialize_keras_object
        return serialize_keras_object(self._init_seed)

    def get_config(self):
        return {"seed": self._seed_config()}


class Zeros(Initializer):
    """Initializes to 0."""
    def __call__(self, shape, dtype=None):
        dt = _dtype(dtype)
        return _make(np.zeros(tuple(shape), dt._np), dt)


class Ones(Initializer):
    """Initializes to 1."""
    def __call__(self, shape, dtype=None):
        dt = _dtype(dtype)
        return _make(np.ones(tuple(shape), dt._np), dt)


class Constant(Initializer):
    """Fills with ``value``; a Python float is a float32 tensor first (Keras's rounding rule)."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        dt = _dtype(dtype)
        v = convert_to_tensor(self.value)._value
        return _make(np.broadcast_to(v, tuple(shape)).astype(dt._np), dt)

    def get_config(self):
        return {"value": self.value}


class RandomNormal(_Seeded):
    """Samples from N(``mean``, ``stddev``**2); a ``seed`` makes it repeatable."""
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        from . import random as krandom
        return krandom.normal(tuple(shape), self.mean, self.stddev, _dtype(dtype), self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self._seed_config()}


class RandomUniform(_Seeded):
    """Samples uniformly from [``minval``, ``maxval``)."""
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        from . import random as krandom
        return krandom.uniform(tuple(shape), self.minval, self.maxval, _dtype(dtype), self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self._seed_config()}


class TruncatedNormal(_Seeded):
    """Normal samples, redrawn when more than two ``stddev`` from the mean."""
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        from . import random as krandom
        return krandom.truncated_normal(tuple(shape), self.mean, self.stddev, _dtype(dtype),
                                        self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self._seed_config()}


class VarianceScaling(_Seeded):
    """Samples with variance ``scale / n``, ``n`` being fan_in, fan_out or their average
    (``mode``), from a truncated normal, normal or uniform ``distribution``; the Glorot, He and
    LeCun initializers are its special cases."""
    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        super().__init__(seed)
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` argument: {mode}")
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError(f"Invalid `distribution` argument: {distribution}")
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape, dtype=None):
        dt = _dtype(dtype)
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        s = self.scale / max(1.0, n)
        from . import random as krandom
        shape = tuple(shape)
        if self.distribution == "uniform":
            lim = math.sqrt(3.0 * s)
            return krandom.uniform(shape, -lim, lim, dt, self.seed)
        if self.distribution == "untruncated_normal":
            return krandom.normal(shape, 0.0, math.sqrt(s), dt, self.seed)
        return krandom.truncated_normal(shape, 0.0, math.sqrt(s) / 0.87962566103423978, dt,
                                        self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self._seed_config()}


def _vs(name, scale, mode, dist):
    class Named(VarianceScaling):
        def __init__(self, seed=None):
            super().__init__(scale, mode, dist, seed)

        def get_config(self):
            return {"seed": self._seed_config()}
    Named.__name__ = Named.__qualname__ = name
    Named.__doc__ = (f"VarianceScaling(scale={scale}, mode={mode!r}, distribution={dist!r}): "
                     f"Keras's {name} initializer.")
    return Named


GlorotUniform = _vs("GlorotUniform", 1.0, "fan_avg", "uniform")
GlorotNormal = _vs("GlorotNormal", 1.0, "fan_avg", "truncated_normal")
HeUniform = _vs("HeUniform", 2.0, "fan_in", "uniform")
HeNormal = _vs("HeNormal", 2.0, "fan_in", "truncated_normal")
LecunUniform = _vs("LecunUniform", 1.0, "fan_in", "uniform")
LecunNormal = _vs("LecunNormal", 1.0, "fan_in", "truncated_normal")


class Orthogonal(_Seeded):
    """A (semi-)orthogonal matrix times ``gain``: Keras's default ``recurrent_initializer``.

    The shape is flattened to (rows, cols) = (product of all but the last axis, last axis); a
    standard-normal matrix of shape (max, min) is QR-factorised, Q's columns are given the signs
    of R's diagonal (so Q is uniformly distributed), and Q is transposed when rows < cols. The
    rows (or columns, whichever are fewer) are then orthonormal. Shapes of rank < 2 are a
    ValueError, as in Keras.

    >>> import minitf as tf
    >>> w = tf.keras.initializers.Orthogonal(seed=0)((3, 3)).numpy()
    >>> bool(abs(w @ w.T - tf.eye(3).numpy()).max() < 1e-6)
    True
    """

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        dt = _dtype(dtype)
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError(f"The tensor to initialize must be at least two-dimensional. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        from . import random as krandom
        from .. import linalg
        from ..ops import array_ops as A
        from ..ops import math_ops as M
        a = krandom.normal((max(rows, cols), min(rows, cols)), dtype=dt, seed=self.seed)
        q, r = linalg.qr(a)
        # sign-fixed: otherwise Q is not uniformly distributed
        q = M.multiply(q, M.sign(linalg.diag_part(r)))
        if rows < cols:
            q = A.transpose(q)
        return M.multiply(convert_to_tensor(self.gain, dtype=dt), A.reshape(q, shape))

    def get_config(self):
        return {"gain": self.gain, "seed": self._seed_config()}

class Identity(Initializer):
    """``gain`` times the identity matrix (ones on the main diagonal of a 2-D shape, which
    need not be square); other ranks are a ValueError, as in Keras.

    >>> import minitf as tf
    >>> tf.keras.initializers.Identity(gain=2.0)((2, 3)).numpy()
    array([[2., 0., 0.],
           [0., 2., 0.]], dtype=float32)
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) != 2:
            raise ValueError(f"Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        dt = _dtype(dtype)
        # gain * eye in the target dtype (a Python float times a tensor, as Keras computes it)
        return _make((np.eye(*shape, dtype=dt._np) * dt._np.type(self.gain)).astype(dt._np), dt)

    def get_config(self):
        return {}          # Keras 3 stores no gain in Identity's config


_BY_NAME = {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
    "random_uniform": RandomUniform, "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling, "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal, "he_uniform": HeUniform, "he_normal": HeNormal,
    "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal,
    # Keras 3 maps the old name "uniform" to RandomUniform (default range ±0.05)
    "uniform": RandomUniform, "identity": Identity, "IdentityInitializer": Identity,
    "orthogonal": Orthogonal, "OrthogonalInitializer": Orthogonal,
}
for _cls in list(_BY_NAME.values()):
    _BY_NAME[_cls.__name__] = _cls

# snake_case functions as Keras exposes them
zeros, ones, constant = Zeros, Ones, Constant
glorot_uniform, glorot_normal = GlorotUniform, GlorotNormal
he_uniform, he_normal, lecun_uniform, lecun_normal = HeUniform, HeNormal, LecunUniform, LecunNormal
identity = IdentityInitializer = Identity
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling = VarianceScaling
orthogonal = Orthogonal


def get(identifier):
    """An initializer from a name (``'glorot_uniform'``), a config dict, a class, an instance or
    a callable (Keras's ``keras.initializers.get``)."""
    return _lookup.get("initializer", identifier, by_name=_BY_NAME, base=Initializer)


def serialize(init) -> dict:
    """The ``{'module', 'class_name', 'config', 'registered_name'}`` dict Keras stores for an
    initializer."""
    from .serialization import serialize_keras_object
    return serialize_keras_object(init)
