"""``tf.nn``: activations, softmax and the cross-entropy ops."""
from .ops.nn_ops import (bias_add, dropout, elu, embedding_lookup, gelu, l2_loss,  # noqa: F401
                         leaky_relu, log_softmax, moments, relu, relu6, selu, sigmoid,
                         sigmoid_cross_entropy_with_logits, silu, softmax,
                         softmax_cross_entropy_with_logits, softplus, softsign,
                         sparse_softmax_cross_entropy_with_logits, swish, tanh)
from .ops.linalg_ops import l2_normalize  # noqa: F401
from .ops.conv_ops import (atrous_conv2d, conv1d, conv2d, conv2d_transpose,  # noqa: F401
                           conv3d, convolution, depthwise_conv2d, separable_conv2d)
from .ops.pooling_ops import (avg_pool, avg_pool1d, avg_pool2d, avg_pool3d,  # noqa: F401
                              max_pool, max_pool1d, max_pool2d, max_pool3d, pool)
from .ops.sort_ops import top_k  # noqa: F401
