"""``tf.config``: which devices exist (the truth: a GPU is listed only if CuPy can use one)."""
from __future__ import annotations

from typing import NamedTuple

from . import _backend


class PhysicalDevice(NamedTuple):
    name: str
    device_type: str


def list_physical_devices(device_type: str | None = None) -> list:
    devices = [PhysicalDevice("/physical_device:CPU:0", "CPU")]
    if _backend.cupy_available():
        n = _backend.cupy().cuda.runtime.getDeviceCount()
        devices += [PhysicalDevice(f"/physical_device:GPU:{i}", "GPU") for i in range(n)]
    if device_type is None:
        return devices
    return [d for d in devices if d.device_type == device_type.upper()]


def list_logical_devices(device_type: str | None = None) -> list:
    return list_physical_devices(device_type)


def run_functions_eagerly(run_eagerly: bool) -> None:
    """Make every ``tf.function`` call its Python body directly (for debugging), as in TF."""
    from .function import run_functions_eagerly as set_eager
    set_eager(run_eagerly)


def functions_run_eagerly() -> bool:
    from .function import functions_run_eagerly as get_eager
    return get_eager()
