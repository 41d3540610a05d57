"""``tf.image``: resizing, flips, crops, standardisation, dtype conversion and PNG/JPEG coding.

Images are (height, width, channels) or batches (N, height, width, channels). Everything here
is built from differentiable minitf ops (gathers, slices, reversals, arithmetic), so gradients
flow through resizing and cropping as they do in TF. ``resize`` follows TF2: bilinear and
nearest sample at pixel centres (``(out + 0.5) * in / out - 0.5``), bilinear interpolates in
float32 and returns float32 whatever the input, nearest keeps the input dtype.

PNG and JPEG coding goes through Pillow (``pip install 'minitf[image]'``), imported only when
used.

>>> import minitf as tf
>>> x = tf.reshape(tf.range(4.), (2, 2, 1))
>>> tf.image.resize(x, (4, 4))[:, :, 0].numpy()
array([[0.  , 0.25, 0.75, 1.  ],
       [0.5 , 0.75, 1.25, 1.5 ],
       [1.5 , 1.75, 2.25, 2.5 ],
       [2.  , 2.25, 2.75, 3.  ]], dtype=float32)
"""
from __future__ import annotations

import io as _io

import numpy as np

from . import dtypes
from . import _backend as B
from .errors import NotFoundError, invalid_argument, kernel_invalid_argument
from .ops import array_ops as A
from .ops import math_ops as M
from .ops import random_ops
from .ops import reduction_ops as R
from .ops._registry import TAPES, record, tensor
from .tensor import Tensor, _make


class ResizeMethod:
    """The names ``resize`` accepts for ``method``."""
    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


def _image(op: str, image, min_rank: int = 3) -> Tensor:
    x = tensor(image)
    if x._value.ndim < min_rank:
        raise ValueError(f"'image' (shape {tuple(x._value.shape)}) must be at least "
                         f"three-dimensional.")
    return x


def _batched(x: Tensor):
    """(4-D tensor, whether a batch axis was added)."""
    if x._value.ndim == 3:
        return A.expand_dims(x, 0), True
    return x, False


def _bilinear_axis(in_size: int, out_size: int):
    """TF's half-pixel sampling in float32: lower and upper source indices and the weight of
    the upper one, for each output position."""
    scale = np.float32(in_size) / np.float32(out_size)
    pos = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * scale - np.float32(0.5)
    lower = np.maximum(np.floor(pos), 0).astype(np.int64)
    upper = np.minimum(np.ceil(pos), in_size - 1).astype(np.int64)
    return lower, upper, (pos - np.floor(pos)).astype(np.float32)


def _nearest_axis(in_size: int, out_size: int):
    scale = np.float32(in_size) / np.float32(out_size)
    pos = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * scale
    return np.minimum(np.floor(pos).astype(np.int64), in_size - 1)


def resize(images, size, method=ResizeMethod.BILINEAR, preserve_aspect_ratio=False,
           antialias=False, name=None) -> Tensor:
    """Resize ``images`` (3-D or 4-D) to ``size`` = (height, width) with ``method``
    'bilinear' or 'nearest' (TF2's half-pixel centres). Bilinear returns float32 (computed in
    float32, as TF's kernel does), nearest the input's dtype. ``antialias`` matters only when
    shrinking, and only ``False`` is supported.

    >>> import minitf as tf
    >>> tf.image.resize(tf.zeros((1, 28, 28, 1), tf.uint8), (14, 14)).dtype
    tf.float32
    """
    x = tensor(images)
    if x._value.ndim not in (3, 4):
        raise ValueError("'images' must have either 3 or 4 dimensions.")
    hw = A._ints(size)
    if len(hw) != 2:
        raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width")
    if method not in (ResizeMethod.BILINEAR, ResizeMethod.NEAREST_NEIGHBOR):
        known = {v for k, v in vars(ResizeMethod).items() if not k.startswith("_")}
        if method in known:
            raise NotImplementedError(f"minitf's tf.image.resize implements 'bilinear' and "
                                      f"'nearest', not {method!r}")
        raise ValueError(f"Resize method is not implemented: {method}")
    if antialias and method == ResizeMethod.BILINEAR:
        raise NotImplementedError("minitf's tf.image.resize supports antialias=False only")
    x4, added = _batched(x)
    h, w = x4._value.shape[1:3]
    oh, ow = hw
    if preserve_aspect_ratio:
        scale = min(oh / h, ow / w)
        oh, ow = max(int(round(h * scale)), 1), max(int(round(w * scale)), 1)
    op = "ResizeBilinear" if method == ResizeMethod.BILINEAR else "ResizeNearestNeighbor"
    if oh <= 0 or ow <= 0:
        raise invalid_argument("output dimensions must be positive", op)
    if method == ResizeMethod.NEAREST_NEIGHBOR:
        y = A.gather(A.gather(x4, _nearest_axis(h, oh), axis=1), _nearest_axis(w, ow), axis=2)
    else:
        if x4._dtype is not dtypes.float32:
            x4 = M.cast(x4, dtypes.float32)
        ylo, yhi, yl = _bilinear_axis(h, oh)
        xlo, xhi, xl = _bilinear_axis(w, ow)
        top, bottom = A.gather(x4, ylo, axis=1), A.gather(x4, yhi, axis=1)
        xl_t = tensor(xl.reshape(ow, 1))
        # TF's order: along x on the top and bottom rows, then along y, each a + (b - a)·t
        rows = []
        for r in (top, bottom):
            left, right = A.gather(r, xlo, axis=2), A.gather(r, xhi, axis=2)
            rows.append(left + (right - left) * xl_t)
        y = rows[0] + (rows[1] - rows[0]) * tensor(yl.reshape(oh, 1, 1))
    return A.squeeze(y, [0]) if added else y


def flip_left_right(image) -> Tensor:
    """Mirror the width axis of an image or a batch.

    >>> import minitf as tf
    >>> tf.image.flip_left_right(tf.constant([[[1], [2], [3]]]))[0, :, 0].numpy()
    array([3, 2, 1], dtype=int32)
    """
    x = _image("ReverseV2", image)
    return A.reverse(x, [-2])


def flip_up_down(image) -> Tensor:
    """Mirror the height axis of an image or a batch.

    >>> import minitf as tf
    >>> tf.image.flip_up_down(tf.constant([[[1]], [[2]]]))[:, 0, 0].numpy()
    array([2, 1], dtype=int32)
    """
    x = _image("ReverseV2", image)
    return A.reverse(x, [-3])


def _random_flip(image, seed, axis: int) -> Tensor:
    x = _image("ReverseV2", image)
    shape = (x._value.shape[0], 1, 1, 1) if x._value.ndim == 4 else (1, 1, 1)
    flip = M.less(random_ops.uniform(shape, seed=seed), 0.5)
    flip = A.broadcast_to(flip, x._value.shape)
    return M.where(flip, A.reverse(x, [axis]), x)


def random_flip_left_right(image, seed=None) -> Tensor:
    """``flip_left_right`` with probability 1/2, drawn per image of a batch.

    >>> import minitf as tf
    >>> tf.image.random_flip_left_right(tf.ones((2, 3, 3, 1))).shape
    TensorShape([2, 3, 3, 1])
    """
    return _random_flip(image, seed, -2)


def random_flip_up_down(image, seed=None) -> Tensor:
    """``flip_up_down`` with probability 1/2, drawn per image of a batch.

    >>> import minitf as tf
    >>> tf.image.random_flip_up_down(tf.ones((3, 3, 1))).shape
    TensorShape([3, 3, 1])
    """
    return _random_flip(image, seed, -3)


def central_crop(image, central_fraction) -> Tensor:
    """The central ``central_fraction`` (in (0, 1]) of each image: TF's window starts at
    ``int((size - size * fraction) / 2)`` on each side.

    >>> import minitf as tf
    >>> tf.image.central_crop(tf.ones((7, 7, 1)), 0.5).shape
    TensorShape([5, 5, 1])
    """
    x = _image("CentralCrop", image)
    f = float(central_fraction)
    if not 0.0 < f <= 1.0:
        raise ValueError("central_fraction must be within (0, 1]")
    if f == 1.0:
        return x
    h, w = x._value.shape[-3:-1]
    top, left = int((h - h * f) / 2), int((w - w * f) / 2)
    return x[..., top:h - top, left:w - left, :]


def random_crop(value, size, seed=None, name=None) -> Tensor:
    """A random window of shape ``size`` out of ``value`` (any rank), each offset uniform
    over the positions where the window fits.

    >>> import minitf as tf
    >>> tf.image.random_crop(tf.ones((5, 5, 3)), (2, 2, 3)).shape
    TensorShape([2, 2, 3])
    """
    x = tensor(value)
    want = A._ints(size)
    have = list(x._value.shape)
    if len(want) != len(have):
        raise invalid_argument(f"Incompatible shapes: [{len(have)}] vs. [{len(want)}]",
                               "GreaterEqual")
    if any(h < s for h, s in zip(have, want)):
        raise invalid_argument(f"Need value.shape >= size, got {', '.join(map(str, have))} "
                               f"{', '.join(map(str, want))}", "Assert")
    limit = [h - s + 1 for h, s in zip(have, want)]
    offsets = random_ops.uniform([len(limit)], 0, 2 ** 31 - 1, dtype=dtypes.int64, seed=seed)
    starts = [int(o) % m for o, m in zip(offsets.numpy(), limit)]
    return x[tuple(slice(b, b + n) for b, n in zip(starts, want))]


def per_image_standardization(image) -> Tensor:
    """``(x - mean) / max(stddev, 1 / sqrt(pixels))`` per image, over height, width and
    channels, computed in float32 (integer and float64 inputs are cast first, as in TF).

    >>> import minitf as tf
    >>> tf.image.per_image_standardization(tf.constant([[[0.], [2.]]]))[0, :, 0].numpy()
    array([-1.,  1.], dtype=float32)
    """
    x = _image("PerImageStandardization", image)
    x = M.cast(x, dtypes.float32)
    pixels = int(np.prod(x._value.shape[-3:]))
    axes = [-1, -2, -3]
    mean = R.reduce_mean(x, axes, keepdims=True)
    std = R.reduce_std(x, axes, keepdims=True)
    adjusted = M.maximum(std, np.float32(1.0 / np.sqrt(np.float32(pixels))))
    return (x - mean) / adjusted


def _no_gradient(op: str):
    """The joint VJP of an op TF registers no gradient for: reaching it in ``tape.gradient``
    is TF's LookupError, naming the op."""
    def joint(upstream, needed):
        raise LookupError(f"gradient registry has no entry for: {op}")
    return joint


def _fold_mean(planes: np.ndarray) -> np.ndarray:
    """Per-plane, per-channel float32 means of ``planes`` (batch, pixels, channels), summed as
    TF's CPU kernel sums them, so the roundings agree: the pixels are folded in half (the back
    half added onto the front, an odd middle pixel carried) until one remains, which is then
    scaled by the float32 reciprocal of the pixel count."""
    n = planes.shape[1]
    acc = planes.astype(np.float32)        # a copy: the folds write into it
    while n > 1:
        right = n // 2
        left = n - right
        acc[:, :right] += acc[:, left:left + right]
        n = left
    return acc[:, :1] * (np.float32(1.0) / np.float32(planes.shape[1]))


def adjust_contrast(images, contrast_factor) -> Tensor:
    """Scale each channel's distance from its mean: ``(x - mean) * contrast_factor + mean``,
    the mean taken per image and channel over height and width (the last three axes are
    height, width, channels). float16 and float32 images are adjusted as they are; other
    dtypes are converted to float32 first and back afterwards (``convert_image_dtype``,
    saturating). TF registers no gradient for the op (``AdjustContrastv2``), so
    ``tape.gradient`` through it is a LookupError.

    >>> import minitf as tf
    >>> tf.image.adjust_contrast(tf.constant([[[1.0], [3.0]]]), 2.0)[0, :, 0].numpy()
    array([0., 4.], dtype=float32)
    """
    x = tensor(images)
    orig = x._dtype
    flt = x if orig in (dtypes.float16, dtypes.float32) else convert_image_dtype(x, dtypes.float32)
    factor = tensor(contrast_factor, dtypes.float32)
    if factor._dtype is not dtypes.float32:
        raise invalid_argument(f"cannot compute AdjustContrastv2 as input #1(zero-based) was "
                               f"expected to be a float tensor but is a "
                               f"{factor._dtype.kernel_name} tensor", "AdjustContrastv2")

    def error(text: str):
        # The kernel's wording; a list factor takes TF's slow path, which adds no " name: ".
        return kernel_invalid_argument(text, "AdjustContrastv2", B.device_name(v),
                                       None if isinstance(contrast_factor, (list, tuple))
                                       else "")
    v = flt._value
    if flt._dtype is dtypes.float16 and not B.is_device_array(v):
        # TF's CPU kernel is float32 only (its GPU kernel takes half too).
        raise NotFoundError(
            None, "AdjustContrastv2", "Could not find device for node: {{node "
            "AdjustContrastv2}} = AdjustContrastv2[T=DT_HALF]\nAll kernels registered for op "
            "AdjustContrastv2:\n  device='XLA_CPU_JIT'; T in [DT_FLOAT, DT_HALF]\n  "
            "device='CPU'; T in [DT_FLOAT]\n [Op:AdjustContrastv2] name: ")
    if v.ndim < 3:
        raise error(f"input must be at least 3-D, got shape[{','.join(map(str, v.shape))}]")
    if factor._value.ndim != 0:
        raise error(f"contrast_factor must be scalar: "
                    f"[{','.join(map(str, factor._value.shape))}]")
    shape = v.shape
    planes = v.reshape((-1, shape[-3] * shape[-2], shape[-1]))
    mean = _fold_mean(planes)
    # TF's kernel steps each value from its mean: mean + factor * (x - mean), in float32.
    out = (mean + factor._value * (planes.astype(np.float32) - mean)).reshape(shape)
    adjusted = _make(out.astype(flt._dtype._np), flt._dtype)
    if TAPES.recording:
        record("AdjustContrastv2", (flt, factor), adjusted,
               joint=_no_gradient("AdjustContrastv2"))
    return convert_image_dtype(adjusted, orig, saturate=True)


def _saturated(x: Tensor, dtype) -> Tensor:
    lo, hi = dtype.min, dtype.max
    if x._dtype.is_floating or x._dtype.min < lo or x._dtype.max > hi:
        x = M.clip_by_value(x, M.cast(lo, x._dtype), M.cast(hi, x._dtype))
    return M.cast(x, dtype)


def convert_image_dtype(image, dtype, saturate=False, name=None) -> Tensor:
    """Convert between image dtypes, rescaling: floats lie in [0, 1], integers in
    [0, MAX]. Integer to float divides by MAX; float to integer multiplies by MAX + 0.5 and
    truncates (``saturate=True`` clips first, else out-of-range values wrap as TF's cast
    does); integer to integer shifts by the difference in bits.

    >>> import minitf as tf
    >>> tf.image.convert_image_dtype(tf.constant([0, 255], tf.uint8), tf.float32).numpy()
    array([0., 1.], dtype=float32)
    """
    x = tensor(image)
    dt = dtypes.as_dtype(dtype)
    if not (x._dtype.is_floating or x._dtype.is_integer):
        raise AttributeError("image dtype must be either floating point or integer")
    if not (dt.is_floating or dt.is_integer):
        raise AttributeError("dtype must be either floating point or integer")
    if dt is x._dtype:
        return x
    if x._dtype.is_integer and dt.is_integer:
        s_in, s_out = x._dtype.max, dt.max
        if s_in > s_out:
            scaled = M.floordiv(x, (s_in + 1) // (s_out + 1))
            return _saturated(scaled, dt) if saturate else _wrapping_cast(scaled, dt)
        c = _saturated(x, dt) if saturate else M.cast(x, dt)
        return c * ((s_out + 1) // (s_in + 1))
    if x._dtype.is_floating and dt.is_floating:
        return M.cast(x, dt)
    if x._dtype.is_integer:
        return M.cast(x, dt) * (1.0 / x._dtype.max)
    scaled = x * (dt.max + 0.5)
    return _saturated(scaled, dt) if saturate else _wrapping_cast(scaled, dt)


def _wrapping_cast(x: Tensor, dt) -> Tensor:
    """TF's (C's) float-to-integer cast truncates and, out of range, wraps modulo 2^bits on
    x86; NumPy leaves that undefined, so go through int64 first."""
    if x._dtype.is_floating:
        v = np.trunc(x._value)
        v = np.where(np.isfinite(v), v, 0).astype(np.int64)
        return _make(v.astype(dt._np), dt)
    return M.cast(x, dt)


# ---- PNG / JPEG through Pillow ---------------------------------------------------------------

def _pillow():
    try:
        from PIL import Image  # noqa: PLC0415
    except ImportError:
        raise ImportError("tf.image's PNG and JPEG coding needs Pillow: pip install pillow "
                          "(or pip install 'minitf[image]')") from None
    return Image


def _bytes(contents) -> bytes:
    if isinstance(contents, (bytes, bytearray)):
        return bytes(contents)
    t = tensor(contents)
    if t._dtype is not dtypes.string or t._value.ndim != 0:
        raise invalid_argument(f"contents must be scalar, got shape "
                               f"{list(t._value.shape)}", "DecodeImage")
    v = t._value.item() if hasattr(t._value, "item") else t._value
    return v if isinstance(v, bytes) else str(v).encode()


_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}


def _decode(contents, channels: int, op: str, fmt: str) -> Tensor:
    img = _pillow().open(_io.BytesIO(_bytes(contents)))
    try:
        img.load()
    except OSError as e:
        raise invalid_argument(f"Invalid {fmt} data: {e}", op) from None
    if img.format != fmt:
        raise invalid_argument(f"Expected image ({fmt}), got {img.format}", op)
    if channels:
        img = img.convert(_MODES[channels])
    elif img.mode not in _MODES.values():
        img = img.convert("RGBA" if "A" in img.mode or "transparency" in img.info else "RGB")
    arr = np.asarray(img)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return _make(np.ascontiguousarray(arr, dtype=np.uint8), dtypes.uint8)


def decode_png(contents, channels=0, dtype=dtypes.uint8, name=None) -> Tensor:
    """The (height, width, channels) uint8 pixels of a PNG; ``channels`` 1-4 converts (0: as
    stored).

    >>> import minitf as tf
    >>> png = tf.image.encode_png(tf.zeros((2, 3, 1), tf.uint8))
    >>> tf.image.decode_png(png).shape
    TensorShape([2, 3, 1])
    """
    if dtypes.as_dtype(dtype) is not dtypes.uint8:
        raise NotImplementedError("minitf's decode_png returns uint8 only")
    return _decode(contents, channels, "DecodePng", "PNG")


def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True,
                try_recover_truncated=False, acceptable_fraction=1, dct_method="",
                name=None) -> Tensor:
    """The (height, width, channels) uint8 pixels of a JPEG, decoded by Pillow's libjpeg with
    the accurate integer inverse DCT: TF's ``dct_method='INTEGER_ACCURATE'`` (TF's default,
    the fast IDCT, differs by a few levels). ``dct_method`` is accepted and ignored.

    >>> import minitf as tf
    >>> jpg = tf.image.encode_jpeg(tf.fill((8, 8, 3), tf.constant(200, tf.uint8)))
    >>> tf.image.decode_jpeg(jpg).shape
    TensorShape([8, 8, 3])
    """
    return _decode(contents, channels, "DecodeJpeg", "JPEG")


def _encode(image, fmt: str, op: str, **options) -> Tensor:
    x = tensor(image)
    if x._dtype is not dtypes.uint8:
        raise invalid_argument(f"Value for attr 'T' of {x._dtype.name} is not in the list of "
                               f"allowed values: uint8", op)
    if x._value.ndim != 3:
        raise invalid_argument(f"image must be 3-dimensional{list(x._value.shape)}", op)
    arr = np.asarray(x.numpy())
    c = arr.shape[2]
    if c not in ((1, 3) if fmt == "JPEG" else (1, 2, 3, 4)):
        raise invalid_argument(f"image must have 1 or 3 channels, got {c}", op)
    img = _pillow().fromarray(arr[:, :, 0] if c == 1 else arr, _MODES[c])
    buf = _io.BytesIO()
    img.save(buf, format=fmt, **options)
    return _make(np.array(buf.getvalue(), dtype=object), dtypes.string)


def encode_png(image, compression=-1, name=None) -> Tensor:
    """A scalar string tensor holding ``image`` (uint8, (height, width, 1-4)) as PNG.

    >>> import minitf as tf
    >>> tf.image.encode_png(tf.zeros((1, 1, 3), tf.uint8)).numpy()[:4]
    b'\\x89PNG'
    """
    level = 6 if compression == -1 else int(compression)
    return _encode(image, "PNG", "EncodePng", compress_level=level)


def encode_jpeg(image, format="", quality=95, progressive=False, optimize_size=False,
                chroma_downsampling=True, density_unit="in", x_density=300, y_density=300,
                xmp_metadata="", name=None) -> Tensor:
    """A scalar string tensor holding ``image`` (uint8, (height, width, 1 or 3)) as JPEG.

    >>> import minitf as tf
    >>> tf.image.encode_jpeg(tf.zeros((4, 4, 1), tf.uint8)).numpy()[:2]
    b'\\xff\\xd8'
    """
    return _encode(image, "JPEG", "EncodeJpeg", quality=int(quality),
                   progressive=bool(progressive), optimize=bool(optimize_size),
                   subsampling=2 if chroma_downsampling else 0,
                   dpi=(int(x_density), int(y_density)))
