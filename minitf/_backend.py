"""Which array library holds tensor values: NumPy (CPU) or CuPy (GPU).

A tensor's backend is the type of its array. Ops run on their inputs' arrays: NumPy's functions
hand CuPy arrays to CuPy (NumPy's ``__array_function__``/``__array_ufunc__`` protocols), so one
op body serves both. What cannot dispatch — creating arrays from nothing, a few functions CuPy
spells differently — goes through the helpers here. This is the only module that imports cupy,
and only when the GPU backend is asked for.

New tensors (constants, Variables, random draws, ``fit``'s batches) are placed on the current
backend: ``minitf.set_backend("cupy")``, ``MINITF_BACKEND=cupy``, or ``with tf.device("/GPU:0")``.

>>> import minitf as tf
>>> tf.get_backend(), tf.constant(1.0).device
('numpy', '/job:localhost/replica:0/task:0/device:CPU:0')
"""
from __future__ import annotations

import contextlib
import math
import os
import threading
from typing import Any, Callable

import numpy as np

_INSTALL = ("CuPy is not installed. Install minitf's GPU extra: pip install 'minitf[gpu]' "
            "(CUDA 12) or pip install 'minitf[gpu-cuda13]' (CUDA 13).")
_cupy = None
_current = ["numpy"]
CPU_DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"
GPU_DEVICE = "/job:localhost/replica:0/task:0/device:GPU:0"


def cupy():
    """The cupy module, imported on first use, with a clear error if it or a GPU is missing."""
    global _cupy
    if _cupy is None:
        try:
            import cupy as cp  # noqa: PLC0415 - optional dependency
        except ImportError as e:
            raise RuntimeError(_INSTALL) from e
        try:
            n = cp.cuda.runtime.getDeviceCount()
        except Exception as e:  # noqa: BLE001 - CUDA reports missing drivers in several ways
            raise RuntimeError(f"CuPy is installed but no CUDA device is usable ({e}).") from e
        if n == 0:
            raise RuntimeError("CuPy is installed but there is no CUDA device.")
        _cupy = cp
        _apply_tensor_float_32()
    return _cupy


# TensorFloat-32: TF lets float32 matmuls and convolutions on Ampere-or-later GPUs round their
# multiplicands to 10-bit mantissas (tensor cores, several times faster) unless
# tf.config.experimental.enable_tensor_float_32_execution(False). CuPy's own default is strict
# float32 (unless CUPY_TF32=1), so the backend keeps TF's default here and tells CuPy which
# compute type its float32 GEMMs use. The flag's user-facing home is minitf/config.py, which
# calls set_tensor_float_32; it lives here too because the backend must not import config.
_tf32 = [True]
_COMPUTE_TYPE_DEFAULT, _COMPUTE_TYPE_TF32 = 1, 7   # cupy/_core/_routines_linalg.pxd's enum


def set_tensor_float_32(enabled: bool) -> None:
    """Let (True) or forbid (False) TF32 in float32 GPU matmuls; applied at once if CuPy is
    loaded, else when it first is."""
    _tf32[0] = bool(enabled)
    if _cupy is not None:
        _apply_tensor_float_32()


def tensor_float_32() -> bool:
    """Whether float32 GPU matmuls may use TF32 (the backend's copy of the config flag)."""
    return _tf32[0]


def _apply_tensor_float_32() -> None:
    lin = _cupy._core._routines_linalg
    kind = getattr(lin, "COMPUTE_TYPE_TF32" if _tf32[0] else "COMPUTE_TYPE_DEFAULT",
                   _COMPUTE_TYPE_TF32 if _tf32[0] else _COMPUTE_TYPE_DEFAULT)
    lin.set_compute_type(np.float32, kind)


def cupy_available() -> bool:
    try:
        cupy()
        return True
    except RuntimeError:
        return False


def get_backend() -> str:
    """The backend new tensors are placed on: ``"numpy"`` or ``"cupy"``."""
    return _current[-1]


def set_backend(name: str) -> None:
    """Place new tensors on ``"numpy"`` (CPU) or ``"cupy"`` (GPU)."""
    if name not in ("numpy", "cupy"):
        raise ValueError(f"Unknown backend {name!r}; expected 'numpy' or 'cupy'.")
    if name == "cupy":
        cupy()
    _current[-1] = name


# TF's soft device placement (on by default): an op asked for a device that does not exist
# runs on one that does -- here, the CPU when no GPU is usable. tf.config sets it.
_soft_placement = [True]


def set_soft_device_placement(enabled: bool) -> None:
    """Turn TF's soft device placement on (the default) or off."""
    _soft_placement[0] = bool(enabled)


def get_soft_device_placement() -> bool:
    """Whether a device that does not exist falls back to one that does."""
    return _soft_placement[0]


_DEVICE_TYPES = ("CPU", "GPU", "TPU", "CUSTOM", "EPU")    # the types TF's parser knows


def parse_device(spec: str | None) -> tuple:
    """``(device_type, index)`` of a device string, read by TF's rules: ``/``-separated
    parts, ``job:``/``replica:``/``task:`` skipped, ``TYPE[:i]`` or ``device:TYPE:i`` (any
    case for the first form), ``*`` for any index; anything else is TF's ValueError.
    ``(None, None)`` if no device type is named."""
    dev_type = index = None
    for part in (spec or "").split("/"):
        y = part.split(":")
        if len(y) == 2 and y[0] in ("job", "replica", "task"):
            continue
        if len(y) in (1, 2) and y[0].upper() in _DEVICE_TYPES:
            found, idx = y[0].upper(), (y[1] if len(y) == 2 else "*")
        elif len(y) == 3 and y[0] == "device":
            found, idx = y[1], y[2]
        elif y[0] != "":
            raise ValueError(f"Unknown attribute '{y[0]}' is encountered while parsing the "
                             f"device spec: '{spec}'.")
        else:
            continue
        if dev_type is not None:
            raise ValueError(f"Multiple device types are not allowed while parsing the device "
                             f"spec: {spec}.")
        dev_type, index = found, (None if idx == "*" else int(idx))
    return dev_type, index


def _unsatisfiable(spec: str, dev_type: str, index, why: str):
    from .errors import InvalidArgumentError      # lazily: errors is not part of the seam
    full = f"/job:localhost/replica:0/task:0/device:{dev_type}:{0 if index is None else index}"
    gpus = ", /job:localhost/replica:0/task:0/device:GPU:0" if cupy_available() else ""
    types = "CPU, GPU" if gpus else "CPU"
    return InvalidArgumentError(
        None, None, f"Could not satisfy device specification '{full}'. enable_soft_placement=0."
        f" Supported device types [{types}]. All available devices [{CPU_DEVICE}{gpus}]. "
        f"({why})")


@contextlib.contextmanager
def device(name: str):
    """``with tf.device("/GPU:0"):`` places new tensors on the GPU inside the block.

    As TF with soft device placement (its default), a device that does not exist here -- a
    GPU when CuPy or a CUDA device is missing, ``CPU:1``, a TPU -- falls back to the CPU
    without error; with ``tf.config.set_soft_device_placement(False)`` it is TF's
    InvalidArgumentError. A string naming no device type keeps the current placement."""
    if name is not None and not isinstance(name, str):
        name = getattr(name, "name", name)     # a tf.DeviceSpec-like object
    dev_type, index = parse_device(name)
    if dev_type is None:
        backend = _current[-1]
    elif dev_type == "GPU" and cupy_available():
        backend = "cupy"
    elif dev_type == "CPU" and index in (None, 0):
        backend = "numpy"
    elif _soft_placement[0]:
        backend = "numpy"
    else:
        why = ("no usable GPU: " + _gpu_problem()) if dev_type == "GPU" else \
            f"minitf has no {dev_type} device {index}"
        raise _unsatisfiable(name, dev_type, index, why)
    _current.append(backend)
    try:
        yield
    finally:
        _current.pop()


def _gpu_problem() -> str:
    try:
        cupy()
    except RuntimeError as e:
        return str(e)
    return "none"


# ---- the symbolic-array seam: how tf.function (minitf/function/) reaches the core ----------
#
# The core (tensors, variables, the tape, ops, Keras) never imports the tracer. While a
# ``tf.function`` body is traced, tensors hold *symbolic arrays* instead of NumPy/CuPy arrays;
# the core meets them only through the three names below, which ``minitf.function`` sets on
# import (``register_tracer``):
#
# * ``SYMBOLIC`` -- the symbolic array type. It carries its trace-time value as ``.v`` and
#   records every NumPy call made on it through NumPy's dispatch protocols, so an op body
#   written as ``np.exp(x._value)`` needs no change.
# * ``TRACING`` -- how many traces are in progress, in all threads. Eager code tests this int
#   first, so with no trace anywhere the seam costs one attribute read.
# * ``TRACER`` -- the ``Tracer`` below: what the core asks of the running thread's trace
#   (variable reads and writes, captures, random draws, effects, control flow).

class _NoSymbolicArray:
    """Stands for the symbolic array type until a tracer registers one (never instantiated)."""


SYMBOLIC: type = _NoSymbolicArray
TRACING = 0
_TRACING_LOCK = threading.Lock()     # `TRACING += 1` is not atomic across threads


class Tracer:
    """The core's questions to tf.function, asked only while ``TRACING`` is non-zero. Each
    answers for the running thread's trace; this default (no tracer loaded, or no trace in
    this thread) answers "not tracing". ``minitf.function`` registers a subclass.

    >>> import minitf as tf
    >>> from minitf import _backend as B
    >>> B.Tracer().read_variable(tf.Variable(1.0)) is None      # the default: not tracing
    True
    >>> B.TRACING                                               # no trace runs now
    0"""

    def read_variable(self, var):
        """A Variable read inside a trace: its symbolic value, or None when not tracing."""
        return None

    def write_variable(self, var, value) -> bool:
        """A Variable assigned inside a trace; True when the trace took the write."""
        return False

    def variable_created(self, var, value):
        """A Variable made with ``value``: the concrete array it keeps."""
        return value

    def capture(self, tensor):
        """A tensor made outside the trace and used inside it: its stand-in."""
        return tensor

    def stateful(self, fn):
        """``fn()`` now, and again on every replay of the trace (random draws)."""
        return fn()

    def effect(self, fn, args) -> bool:
        """``fn(*args)`` for its effect on every replay (tf.print); True when recorded."""
        return False

    def random_graph(self):
        """The running trace's graph-level random state, a dict ``{"seed", "count"}`` (the
        function graph's seed and its counter of ops without an op seed), or None when not
        tracing."""
        return None

    def record(self, fn, args, mutates=()):
        """``fn(*args)`` with a symbolic argument, recorded as one operation (a helper that is
        not a NumPy function: fused kernels, scatter-add)."""
        raise RuntimeError(f"{getattr(fn, '__name__', fn)} got a symbolic array, but no trace "
                           "is recording")

    def name(self, symbolic) -> str:
        """The graph tensor name TF would show for a symbolic array (``"add_1:0"``)."""
        return "Identity:0"

    def constant_name(self, value) -> str | None:
        """The graph tensor name TF shows for a tensor holding ``value``, a constant an op made
        in the running thread's function (``"Const:0"``, ``"zeros:0"``), or None for a value
        made elsewhere (eager code, a capture)."""
        return None

    def assignment(self, var):
        """The operation of ``var``'s last assignment in the running thread's function (what
        ``var.assign(x, read_value=False)`` returns there), or None (eager code)."""
        return None

    def cond(self, pred, p, true_fn, false_fn):
        """``tf.cond`` on a symbolic predicate ``p`` (``pred`` as the user gave it)."""
        return NotImplemented

    def while_loop(self, cond, body, loop_vars, maximum_iterations, shape_invariants=None):
        """``tf.while_loop`` whose loop variables are symbolic; NotImplemented otherwise."""
        return NotImplemented

    def tracing(self) -> bool:
        """Whether the running thread is recording a trace."""
        return False

    def in_graph(self) -> bool:
        """Whether a tensor made now belongs to the graph of a function the running thread
        builds (its class is then ``SymbolicTensor``, as TF's graph tensors)."""
        return False

    def discarding(self) -> bool:
        """Whether the running thread's trace computes values it throws away now (a branch not
        taken, a loop body traced on the loop's first values): a check of a value's range
        then waits for the program to run."""
        return False

    def both_branches(self) -> bool:
        """Whether ops recorded now run even when their ``tf.cond`` branch is not taken (the
        trace computes both branches and selects): they must not raise for the other's
        values."""
        return False

    def unknown_rows(self, symbolic, dims: int = 1) -> None:
        """The first ``dims`` dimensions of a symbolic array are known only when the program
        runs (a TensorArray's piece of several lengths, its pieces joined or stacked): its
        static shape shows None there, and ops whose gradients bake in shapes read them when
        it runs."""

    def shape_at_run_time(self, symbolic) -> bool:
        """Whether a symbolic array's shape may change while the program runs (a loop variable
        with a relaxed shape invariant, a ``TensorArray``'s rows, and what is computed from
        them): ops that need its shape then read it when the program runs."""
        return False

    def eager(self, fn):
        """``fn()`` with the running thread's trace set aside (a Python callback of an op)."""
        return fn()

    def made(self, value, frame) -> None:
        """An op made a tensor holding ``value`` (``tensor._make``) while some thread traces;
        ``frame`` is the Python frame of the code that made it. The trace lists the op
        function running there as TF's node for it: a value known while tracing (computed
        from constants) as a node of the graph whose program keeps the value only; a
        symbolic one as one node for all the array operations that op function recorded.
        Returns the symbolic array the tensor holds instead when the op is a node of its own
        that computes nothing (``tf.identity``), else None."""
        return None


TRACER = Tracer()


def register_tracer(symbolic_type: type, tracer: Tracer) -> None:
    """Install tf.function's side of the seam (called once, by ``minitf.function``)."""
    global SYMBOLIC, TRACER
    SYMBOLIC, TRACER = symbolic_type, tracer


def trace_started() -> None:
    """A trace begins in some thread (the tracer calls this; eager code then asks TRACER)."""
    global TRACING
    with _TRACING_LOCK:
        TRACING += 1


def trace_ended() -> None:
    """A trace ends (the tracer calls this once per ``trace_started``)."""
    global TRACING
    with _TRACING_LOCK:
        TRACING -= 1


def is_symbolic(a) -> bool:
    """True for a symbolic array (a value being traced, which has no value to read yet)."""
    return type(a) is SYMBOLIC


def stateful(fn: Callable[[], Any]) -> Any:
    """``fn()`` now, and again on every replay of a trace recording in this thread (random
    draws, a learning-rate schedule read on the host)."""
    return TRACER.stateful(fn) if TRACING else fn()


def record_call(fn: Callable, *args: Any, mutates: tuple = ()) -> Any:
    """``fn(*args)``, recorded as one operation when an argument is symbolic (for helpers that
    NumPy's dispatch does not reach: fused GPU kernels). ``mutates``: the arguments written.

    >>> import numpy as np
    >>> from minitf import _backend as B
    >>> float(B.record_call(np.add, np.float32(1), np.float32(2)))    # no trace: just a call
    3.0
    """
    if TRACING:
        for a in args:
            if type(a) is SYMBOLIC:
                return TRACER.record(fn, args, mutates)
    return fn(*args)


def is_device_array(a) -> bool:
    if _cupy is None:
        return False
    t = type(a)
    return t is _cupy.ndarray or (t is SYMBOLIC and type(a.v) is _cupy.ndarray)


def checkable(a) -> bool:
    """True when ``a``'s values can be inspected on the host now, for TF's input checks (a
    host array; not a GPU array, which would cost a sync, nor a traced value, which has no
    value yet: there, as TF's GPU kernels do, the check is skipped)."""
    return not is_device_array(a) and type(a) is not SYMBOLIC


def xp_of(a):
    """The array module of ``a``."""
    return _cupy if is_device_array(a) else np


def current_xp():
    return cupy() if _current[-1] == "cupy" else np


def device_name(a) -> str:
    """TF's device string for an array. A scalar is kept as a host NumPy number on either
    backend (kernels take it as an argument), so it reports the placement in effect."""
    if isinstance(a, np.generic):
        return GPU_DEVICE if _current[-1] == "cupy" else CPU_DEVICE
    return GPU_DEVICE if is_device_array(a) else CPU_DEVICE


def to_host(a) -> np.ndarray:
    """A NumPy array (a copy from the GPU, or ``a`` itself)."""
    return _cupy.asnumpy(a) if is_device_array(a) else a


def to_current(a):
    """``a`` on the current backend (moved if needed; NumPy scalars stay host values)."""
    if _current[-1] == "cupy":
        if not is_device_array(a):
            return cupy().asarray(a)
        return a
    return to_host(a)


def _recorded(mutates_first: bool = False):
    """Make a helper that is not a NumPy function visible to tracing: with a traced argument,
    the call is recorded as one operation of the trace instead of running on values the trace
    would freeze."""
    def wrap(fn):
        def helper(*args):
            if TRACING:
                for a in args:
                    if type(a) is SYMBOLIC:
                        return TRACER.record(fn, args, args[:1] if mutates_first else ())
            return fn(*args)
        helper.__name__ = helper.__qualname__ = fn.__name__
        helper.__doc__ = fn.__doc__
        helper.__wrapped__ = fn          # the function a trace's node calls
        return helper
    return wrap


def _like(a, host):
    return _cupy.asarray(host) if is_device_array(a) else host


def like(a, host: np.ndarray):
    """``host`` moved to wherever ``a`` lives (recorded when ``host`` is a traced value)."""
    if type(host) is SYMBOLIC:
        return TRACER.record(_like, (a, host))
    return _like(a, host)


def unify(*arrays, scalars: bool = True):
    """The arrays on one device: host arrays are moved to the GPU if any input is on it (TF
    copies an op's inputs to the op's device); a no-op (the same tuple) when none is on it.
    ``scalars=False`` for an op that needs arrays (stack, concat), not numbers."""
    ref = next((a for a in arrays if is_device_array(a)), None)
    if ref is None:
        return arrays
    # a traced host array is moved by a recorded copy, so the replayed program meets the GPU
    # arrays on the GPU too; a traced host 0-d array becomes a NumPy number instead, which GPU
    # kernels take as an argument (no copy, nothing for a CUDA graph to capture)
    return tuple(a if is_device_array(a) else
                 _cupy.asarray(a) if isinstance(a, (np.ndarray, np.generic)) else
                 a if type(a) is not SYMBOLIC else
                 like(ref, a) if a.ndim > 0 or not scalars else
                 TRACER.record(_host_scalar, (a,))
                 for a in arrays)


def _host_scalar(a):
    """A host 0-d array as a NumPy number (``a`` itself when it is one already)."""
    return a[()] if type(a) is np.ndarray else a


def asarray(a):
    """``np.asarray`` that leaves device arrays on the device."""
    return a if is_device_array(a) or type(a) is SYMBOLIC else np.asarray(a)


def zeros(shape, dtype, like_array=None):
    if type(like_array) is SYMBOLIC:      # inside a trace: a recorded, fresh zeros per replay
        return np.zeros_like(like_array, dtype=dtype, shape=shape)
    xp = xp_of(like_array) if like_array is not None else current_xp()
    return xp.zeros(shape, dtype)


@_recorded(mutates_first=True)
def scatter_add(target, indices, values) -> None:
    """target[indices] += values, accumulating repeated indices (np.add.at)."""
    if is_device_array(target):
        if target.dtype.kind == "c":
            _complex_add_at(_cupy, target, indices, _cupy.asarray(values))
            return
        _cupy.add.at(target, indices, values)
    else:
        np.add.at(target, indices, values)


@_recorded(mutates_first=True)
def scatter_reduce(target, indices, values, kind: str) -> None:
    """target[indices] = kind(target[indices], values) for kind "add", "max", "min" or
    "multiply", repeated indices included (``ufunc.at``); indices and values are moved to the
    target's device first (segment ids often live on the host)."""
    xp = xp_of(target)
    if xp is not np:
        indices = tuple(xp.asarray(i) for i in indices) if isinstance(indices, tuple) else \
            xp.asarray(indices)
        values = xp.asarray(values)
        if kind in ("max", "min") and target.dtype == np.float64 and \
                not isinstance(indices, tuple) and indices.ndim == 1:
            _device_extreme_at(xp, target, indices, values, kind)
            return
        if kind == "multiply":
            # CuPy has no multiply.at (NotImplementedError in CuPy 14): the product is folded
            # on the host, in NumPy's order, and the result copied back
            host = target.get()
            np.multiply.at(host, indices.get() if isinstance(indices, xp.ndarray) else
                           tuple(i.get() for i in indices), values.get())
            target[...] = xp.asarray(host)
            return
        if kind == "add" and target.dtype.kind == "c":
            _complex_add_at(xp, target, indices, values)
            return
    {"add": xp.add, "max": xp.maximum, "min": xp.minimum,
     "multiply": xp.multiply}[kind].at(target, indices, values)


def _complex_add_at(xp, target, indices, values) -> None:
    """``add.at`` for complex GPU arrays (CuPy's takes real types only): the real and the
    imaginary parts are accumulated apart, each in the order CuPy's atomics give."""
    parts = []
    for part in (values.real, values.imag):
        acc = xp.zeros(target.shape, part.dtype)
        xp.add.at(acc, indices, part)
        parts.append(acc)
    target += parts[0] + 1j * parts[1]


def _device_extreme_at(xp, target, indices, values, kind: str) -> None:
    """``maximum.at``/``minimum.at`` for float64 on the GPU without atomics. CuPy's float64
    ``maximum.at`` rounds through float32 (seen on CuPy 14.2: 1.2857142857142856 came back
    as 1.2857142686843872), so instead sort the (row, value) pairs by slot then value; the
    last (max) or first (min) entry of each slot's run is its extreme, and one plain
    scatter folds it into the target."""
    width = int(np.prod(target.shape[1:])) if target.ndim > 1 else 1
    vals = xp.broadcast_to(values, (indices.shape[0],) + target.shape[1:]).reshape(-1)
    slots = (indices.astype(np.int64)[:, None] * width +
             xp.arange(width, dtype=np.int64)[None, :]).reshape(-1)
    if slots.size == 0:
        return
    order = xp.lexsort(xp.stack([vals, slots.astype(np.float64)]))
    s_sorted, v_sorted = slots[order], vals[order]
    edge = xp.ones(s_sorted.shape, dtype=bool)
    if kind == "max":    # the last entry of each run
        edge[:-1] = s_sorted[1:] != s_sorted[:-1]
    else:                # the first entry of each run
        edge[1:] = s_sorted[1:] != s_sorted[:-1]
    contiguous = target.flags.c_contiguous
    flat = target.reshape(-1)      # a view when contiguous, else a copy written back below
    pick = s_sorted[edge]
    fold = xp.maximum if kind == "max" else xp.minimum
    flat[pick] = fold(flat[pick], v_sorted[edge])
    if not contiguous:
        target[...] = flat.reshape(target.shape)


@_recorded()
def erf(a):
    if is_device_array(a):
        import cupyx.scipy.special as sp  # noqa: PLC0415
        return sp.erf(a)
    return np.vectorize(math.erf, otypes=[a.dtype])(a)


@_recorded()
def erfc(a):
    if is_device_array(a):
        import cupyx.scipy.special as sp  # noqa: PLC0415
        return sp.erfc(a)
    return np.vectorize(math.erfc, otypes=[a.dtype])(a)


def synchronize() -> None:
    """Wait for the GPU (for timing); a no-op on the CPU."""
    if _cupy is not None:
        _cupy.cuda.get_current_stream().synchronize()


_env = os.environ.get("MINITF_BACKEND")
if _env:
    set_backend(_env)
