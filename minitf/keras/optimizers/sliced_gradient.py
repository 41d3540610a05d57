"""An ``IndexedSlices`` gradient inside an update rule, with Keras 3's arithmetic for it.

``tf.gather`` (and so ``Embedding``) differentiates to ``tf.IndexedSlices``: one row of
``values`` per looked-up index, repeats included. Keras 3 on TensorFlow does not densify such a
gradient before the update rule: its ops keep the rows apart where they can (TF backend,
``keras/src/backend/tensorflow/sparse.py``):

- zero-preserving unary ops (``square``, ``sqrt``, ``abs``, ``negative``, ``sign``) act on each
  row, so ``square(g)`` squares each occurrence: a row looked up twice adds g1² + g2², not
  (g1 + g2)² as a dense gradient would;
- ``multiply`` (and ``divide`` by a dense tensor or a scalar) keeps the rows, gathering the
  dense operand's rows at the indices;
- ``add``, ``subtract``, ``maximum``, ``minimum`` with a dense operand densify first, summing the
  repeats (``tf.convert_to_tensor`` of the slices);
- ``assign_add``/``assign_sub`` of slices scatter them (repeats add up).

minitf's rules are NumPy expressions, so a ``SlicedGradient`` takes part through NumPy's
``__array_ufunc__`` protocol and answers each ufunc with the rule above. Adam, RMSprop,
Adagrad, Adadelta, Nadam and Ftrl then update a repeated row as Keras does; for rules that are
linear in the gradient (SGD) nothing changes but the summation order.

>>> import numpy as np

from ... import _backend as B
>>> g = SlicedGradient(np.array([[1.], [5.]], np.float32), np.array([0, 0]), (2, 1))
>>> (np.square(g) + np.zeros((2, 1), np.float32)).ravel().tolist()   # 1² + 5², per row
[26.0, 0.0]
>>> np.square(g.dense()).ravel().tolist()                            # (1 + 5)², densified
[36.0, 0.0]
"""
from __future__ import annotations

import numpy as np

from ... import _backend as B

# Unary ufuncs that map 0 to 0: Keras applies them to the rows and keeps the slices
_ROWWISE_UNARY = {np.square, np.sqrt, np.absolute, np.negative, np.sign, np.positive}
# Binary ufuncs whose result is zero wherever one operand is: Keras keeps the slices
_INTERSECTING = {np.multiply}
_DIVIDING = {np.divide, np.true_divide}


class SlicedGradient(np.lib.mixins.NDArrayOperatorsMixin):
    """Rows ``values`` at row ``indices`` of an array of shape ``shape`` (host or GPU arrays,
    both on one device), combined with other arrays as Keras 3 combines ``tf.IndexedSlices``
    (see the module)."""

    __array_priority__ = 100

    def __init__(self, values: np.ndarray, indices: np.ndarray, shape: tuple):
        self.values, self.indices, self.shape = values, indices, tuple(shape)

    dtype = property(lambda self: self.values.dtype)
    ndim = property(lambda self: len(self.shape))

    def dense(self) -> np.ndarray:
        """The dense array, repeats summed in order (TF's unsorted segment sum)."""
        out = B.zeros(self.shape, self.values.dtype, like_array=self.values)
        B.scatter_add(out, self.indices, self.values)
        return out

    def _rows(self, values) -> "SlicedGradient":
        return SlicedGradient(values, self.indices, self.shape)

    def astype(self, dtype, copy: bool = True) -> "SlicedGradient":
        return self._rows(self.values.astype(dtype, copy=copy))

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        result = NotImplemented
        if method == "__call__" and not kwargs:
            result = self._keras_rule(ufunc, inputs)
        if result is NotImplemented:      # anything else: densify and let NumPy compute
            args = [a.dense() if isinstance(a, SlicedGradient) else a for a in inputs]
            outs = () if out is None else tuple(out)
            return getattr(ufunc, method)(*args, **({"out": outs} if outs else {}), **kwargs)
        if out is not None:               # an in-place update of a dense array
            target = out[0]
            target[...] = result.dense() if isinstance(result, SlicedGradient) else result
            return target
        return result

    def _keras_rule(self, ufunc, inputs):
        if len(inputs) == 1:
            return self._rows(ufunc(self.values)) if ufunc in _ROWWISE_UNARY else NotImplemented
        a, b = inputs
        if ufunc in _INTERSECTING or (ufunc in _DIVIDING and a is self):
            other = b if a is self else a
            if isinstance(other, SlicedGradient):
                if other.indices is not self.indices:
                    return NotImplemented
                rows = other.values
            elif np.ndim(other) == 0:
                rows = other
            else:
                other = other if hasattr(other, "shape") else np.asarray(other)
                if ufunc in _DIVIDING and (np.any(other == 0) or np.any(np.isnan(other))):
                    # Keras then also keeps the divisor's zero/nan rows; densified here
                    return NotImplemented
                rows = other[self.indices]
            return self._rows(ufunc(self.values, rows) if a is self else ufunc(rows, self.values))
        if (isinstance(a, SlicedGradient) and isinstance(b, SlicedGradient)
                and a.indices is b.indices and ufunc in (np.add, np.subtract, np.maximum,
                                                         np.minimum)):
            return self._rows(ufunc(a.values, b.values))
        return NotImplemented
