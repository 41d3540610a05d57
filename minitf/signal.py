"""``tf.signal``: the discrete Fourier transform of complex tensors (``fft``, ``ifft``)."""
from .ops.fft_ops import fft, ifft  # noqa: F401
