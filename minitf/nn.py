"""``tf.nn``: activations, softmax and the cross-entropy ops."""
from .ops.nn_ops import (bias_add, dropout, elu, embedding_lookup, gelu, l2_loss,  # noqa: F401
                         leaky_relu, log_softmax, moments, relu, relu6, selu, sigmoid,
                         sigmoid_cross_entropy_with_logits, silu, softmax,
                         softmax_cross_entropy_with_logits, softplus, softsign,
                         sparse_softmax_cross_entropy_with_logits, swish, tanh)
from .ops.linalg_ops import l2_normalize  # noqa: F401
