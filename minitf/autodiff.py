"""``tf.autodiff``: both directions of automatic differentiation under one name, as in TF.

* ``GradientTape``: reverse mode, vector-Jacobian products (a gradient: one output, all inputs);
* ``ForwardAccumulator``: forward mode, Jacobian-vector products (one input direction, all
  outputs). See docs/forward-mode.md.

>>> import minitf as tf
>>> tf.autodiff.GradientTape is tf.GradientTape
True
>>> x = tf.constant(2.0)
>>> with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
...     y = x ** 3
>>> float(acc.jvp(y))        # 3x² at x = 2
12.0
"""
from .forward_accumulator import ForwardAccumulator
from .tape import GradientTape

__all__ = ["ForwardAccumulator", "GradientTape"]
