"""``tf.config``: which devices exist (the truth: a GPU is listed only if CuPy can use one)."""
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
