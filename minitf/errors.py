"""Exception types with TensorFlow's names and hierarchy.

TensorFlow raises ``tf.errors.InvalidArgumentError`` (a subclass of ``tf.errors.OpError``) when an
op receives inputs it cannot compute with: mismatched dtypes, incompatible shapes, out-of-range
labels. Python-level misuse raises the built-in ``TypeError`` / ``ValueError`` / ``RuntimeError``.

>>> import minitf as tf
>>> try:
...     tf.constant(1.0) + tf.constant(1.0, tf.float64)
... except tf.errors.InvalidArgumentError as e:
...     print(type(e).__name__, e.error_code)
InvalidArgumentError 3
"""
from __future__ import annotations


class OpError(Exception):
    """An op failed. ``message`` is the text; ``error_code`` follows TF's canonical codes."""

    error_code = 2

    def __init__(self, node_def=None, op=None, message: str = "", *args):
        # Accept both OpError(message) and TF's (node_def, op, message) calling forms.
        if message == "" and node_def is not None and op is None:
            message = str(node_def)
        super().__init__(message)
        self.message = message
        self.op = op

    def __str__(self) -> str:
        return self.message


class InvalidArgumentError(OpError):
    error_code = 3


class NotFoundError(OpError):
    error_code = 5


class AlreadyExistsError(OpError):
    """What was to be created exists already, such as a second profiler started."""
    error_code = 6


class UnavailableError(OpError):
    """The service is not there, such as stopping a profiler that is not running."""
    error_code = 14


class OutOfRangeError(OpError):
    error_code = 11


class UnimplementedError(OpError):
    error_code = 12


class InternalError(OpError):
    error_code = 13


class ResourceExhaustedError(OpError):
    error_code = 8


class UnknownError(OpError):
    """An error with no better code, such as an exception raised inside a Python generator
    that feeds ``Dataset.from_generator`` (other than TypeError/ValueError)."""
    error_code = 2


class FailedPreconditionError(OpError):
    """The system is not in a state the op needs, such as reading a directory as a file."""
    error_code = 9


class DataLossError(OpError):
    """Data are unrecoverably corrupt, such as a file that is not the compressed stream its
    ``compression_type`` says."""
    error_code = 15


def invalid_argument(text: str, op: str) -> InvalidArgumentError:
    """Build an InvalidArgumentError whose text ends, as TF's do, with ``[Op:Name]``."""
    return InvalidArgumentError(None, op, f"{text} [Op:{op}] name: ")


def kernel_invalid_argument(text: str, op: str, device: str,
                            name: str | None = None) -> InvalidArgumentError:
    """An InvalidArgumentError from an op's kernel, worded as TF words it in eager mode.

    TF runs each eager op as a small wrapped function, so a kernel's error text starts with
    ``{{function_node __wrapped__<Op>_device_<device>}}`` and ends with ``[Op:<Op>]``. When
    the op went through TF's fast path (every argument already a tensor) the Python wrapper
    adds `` name: <name>``; ``name=None`` leaves it out (the slow path, taken when an argument
    is a Python list).

    >>> from minitf.errors import kernel_invalid_argument
    >>> str(kernel_invalid_argument("Bad.", "Reshape", "/job:localhost/replica:0/task:0/device:CPU:0"))
    '{{function_node __wrapped__Reshape_device_/job:localhost/replica:0/task:0/device:CPU:0}} Bad. [Op:Reshape]'
    """
    suffix = "" if name is None else f" name: {name}"
    return InvalidArgumentError(
        None, op, f"{{{{function_node __wrapped__{op}_device_{device}}}}} {text} [Op:{op}]{suffix}")


class OperatorNotAllowedInGraphError(TypeError):
    """A traced tensor was used where its value is needed in Python (``if t:``, ``float(t)``)
    inside ``tf.function``: its value is not known while tracing."""
