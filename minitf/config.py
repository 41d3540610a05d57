"""``tf.config``: which devices exist (the truth: a GPU is listed only if CuPy can use one),
threads per op, eager debugging, and the TensorFloat-32 switch the GPU backend reads."""
from __future__ import annotations

from typing import NamedTuple

from . import _backend


class PhysicalDevice(NamedTuple):
    name: str
    device_type: str


def list_physical_devices(device_type: str | None = None) -> list:
    """The devices minitf can use, as ``PhysicalDevice(name, device_type)``: always the
    CPU, and each GPU only where CuPy can use it; ``device_type`` ('CPU', 'GPU') filters."""
    devices = [PhysicalDevice("/physical_device:CPU:0", "CPU")]
    if _backend.cupy_available():
        n = _backend.cupy().cuda.runtime.getDeviceCount()
        devices += [PhysicalDevice(f"/physical_device:GPU:{i}", "GPU") for i in range(n)]
    if device_type is None:
        return devices
    return [d for d in devices if d.device_type == device_type.upper()]


def list_logical_devices(device_type: str | None = None) -> list:
    """The same devices as ``list_physical_devices`` (minitf makes no logical split)."""
    return list_physical_devices(device_type)


def run_functions_eagerly(run_eagerly: bool) -> None:
    """Make every ``tf.function`` call its Python body directly (for debugging), as in TF."""
    from .function.polymorphic_function import run_functions_eagerly as set_eager
    set_eager(run_eagerly)


def functions_run_eagerly() -> bool:
    """Whether ``tf.config.run_functions_eagerly(True)`` is in force."""
    from .function.polymorphic_function import functions_run_eagerly as get_eager
    return get_eager()


def set_soft_device_placement(enabled: bool) -> None:
    """Turn soft device placement on (TF's default) or off. On, ``tf.device`` naming a
    device that does not exist (a GPU without CuPy or CUDA, ``CPU:1``) runs on the CPU;
    off, entering such a ``tf.device`` block is TF's InvalidArgumentError.

    >>> import minitf as tf
    >>> tf.config.set_soft_device_placement(False)
    >>> tf.config.get_soft_device_placement()
    False
    >>> tf.config.set_soft_device_placement(True)
    """
    _backend.set_soft_device_placement(enabled)


def get_soft_device_placement() -> bool:
    """Whether soft device placement is on (TF's default: True)."""
    return _backend.get_soft_device_placement()


class threading:  # noqa: N801  (a namespace, spelled as TF's tf.config.threading)
    """``tf.config.threading``: how many threads one op may use. In minitf that is the BLAS
    behind NumPy's matmuls (see minitf/_blas.py for the default: one thread fewer than the
    usable cores, which keeps training fast when another process is busy).

    >>> import minitf as tf
    >>> tf.config.threading.set_intra_op_parallelism_threads(1)
    >>> tf.config.threading.get_intra_op_parallelism_threads()
    1
    >>> tf.config.threading.set_intra_op_parallelism_threads(0)   # back to the default
    """

    @staticmethod
    def set_intra_op_parallelism_threads(num_threads: int) -> None:
        """Let each op (a matmul) use ``num_threads`` threads; 0 lets minitf pick, as in TF."""
        from ._blas import set_threads
        set_threads(num_threads)

    @staticmethod
    def get_intra_op_parallelism_threads() -> int:
        """The value last set (0, TF's default, means the library picks)."""
        from ._blas import requested_threads
        return requested_threads()


# TensorFloat-32 (TF32): Ampere-and-later NVIDIA GPUs can run float32 matmuls and convolutions
# with 10-bit mantissas in the multiplies, faster but only ~1e-3 relative accurate. TensorFlow
# allows it by default. The flag lives here, below the backends in spirit: the CuPy backend
# reads it through ``tensor_float_32_enabled()`` at call time; NumPy on the CPU has no TF32,
# so there it changes nothing.
_tensor_float_32 = True


def tensor_float_32_enabled() -> bool:
    """Whether float32 matmuls/convolutions may use TensorFloat-32 on a GPU (default True).

    This is the one place the GPU backend asks: ``tf.config.experimental`` sets the flag,
    and CuPy-backed kernels consult this function when they run (NumPy ignores it: CPUs
    have no TF32 arithmetic, so float32 results are the same either way).

    >>> import minitf as tf
    >>> tf.config.tensor_float_32_enabled()
    True
    """
    return _tensor_float_32


class experimental:  # noqa: N801  (a namespace, spelled as TF's tf.config.experimental)
    """``tf.config.experimental``: switches TensorFlow marks experimental.

    TensorFloat-32 is on by default, as in TF; turning it off asks the GPU for full float32
    precision in matmuls and convolutions (on NumPy nothing changes numerically).

    >>> import minitf as tf
    >>> tf.config.experimental.tensor_float_32_execution_enabled()
    True
    >>> tf.config.experimental.enable_tensor_float_32_execution(False)
    >>> tf.config.experimental.tensor_float_32_execution_enabled()
    False
    >>> tf.config.experimental.enable_tensor_float_32_execution(True)
    """

    @staticmethod
    def enable_tensor_float_32_execution(enabled: bool) -> None:
        """Allow (True) or forbid (False) TensorFloat-32 in GPU float32 matmuls/convolutions.

        As in TF, anything with a truth value of its own (a bool, a number, a NumPy scalar)
        is taken for its truth, ``None`` counts as False, and other objects (a string, a
        list) raise TypeError.
        """
        global _tensor_float_32
        if enabled is None:
            value = False
        elif hasattr(type(enabled), "__bool__"):
            value = bool(enabled)
        else:
            raise TypeError("enable_tensor_float_32_execution(): `enabled` must be a bool, "
                            f"got {enabled!r} of type {type(enabled).__name__}")
        _tensor_float_32 = value
        _backend.set_tensor_float_32(value)   # the CuPy backend's GEMM compute type

    @staticmethod
    def tensor_float_32_execution_enabled() -> bool:
        """Whether TensorFloat-32 is allowed (TF's default: True)."""
        return _tensor_float_32
