"""Training trajectories that must equal Keras's: the same model, initial weights, batches and
optimizer, run once with ``minitf`` and once with TensorFlow (``fw`` is either module).

The initial weights are drawn once with NumPy and set into both models, because Keras's own
initializers use TF's stateless random kernels, which NumPy cannot reproduce.
"""
from __future__ import annotations

import numpy as np

# (name, optimizer class, kwargs): each optimizer with and without clipping and weight decay.
OPTIMIZERS = [
    ("sgd", "SGD", {"learning_rate": 0.05}),
    ("sgd_momentum", "SGD", {"learning_rate": 0.05, "momentum": 0.9}),
    ("sgd_nesterov_clipnorm", "SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True,
                                      "clipnorm": 1.0}),
    ("sgd_wd_clipvalue", "SGD", {"learning_rate": 0.05, "weight_decay": 0.1, "clipvalue": 0.5}),
    ("adam", "Adam", {"learning_rate": 0.01}),
    ("adam_amsgrad_global_clipnorm", "Adam", {"learning_rate": 0.01, "amsgrad": True,
                                              "global_clipnorm": 1.0}),
    ("adam_wd_clipnorm", "Adam", {"learning_rate": 0.01, "weight_decay": 0.01, "clipnorm": 1.0}),
    ("adamw", "AdamW", {"learning_rate": 0.01}),
    ("rmsprop", "RMSprop", {"learning_rate": 0.005}),
    ("rmsprop_centered_momentum", "RMSprop", {"learning_rate": 0.005, "momentum": 0.9,
                                              "centered": True}),
    ("adagrad", "Adagrad", {"learning_rate": 0.1}),
    ("nadam", "Nadam", {"learning_rate": 0.01}),
    ("nadam_wd_clipvalue", "Nadam", {"learning_rate": 0.01, "weight_decay": 0.05,
                                     "clipvalue": 0.1}),
    ("adamax", "Adamax", {"learning_rate": 0.01}),
    ("adamax_wd_clipnorm", "Adamax", {"learning_rate": 0.01, "weight_decay": 0.01,
                                      "clipnorm": 1.0}),
    ("adadelta", "Adadelta", {"learning_rate": 1.0}),
    ("adadelta_rho_eps", "Adadelta", {"learning_rate": 0.5, "rho": 0.9, "epsilon": 1e-6}),
    ("ftrl", "Ftrl", {"learning_rate": 0.1}),
    ("ftrl_l1_l2_shrinkage_beta", "Ftrl", {"learning_rate": 0.1, "l1_regularization_strength": 0.01,
                                           "l2_regularization_strength": 0.01,
                                           "l2_shrinkage_regularization_strength": 0.01,
                                           "beta": 0.5, "learning_rate_power": -0.6}),
    ("lion", "Lion", {"learning_rate": 0.001}),
    ("lion_wd_global_clipnorm", "Lion", {"learning_rate": 0.001, "beta_1": 0.95,
                                         "weight_decay": 0.1, "global_clipnorm": 1.0}),
    # LossScaleOptimizer around an inner optimizer ("inner": (class, kwargs)): the scale
    # doubles every 10 finite steps (Adam); from 2**127 the first doubling (after 5 steps)
    # overflows the float32 scale to inf, so every later gradient is inf and every later step
    # is skipped (inf / 2 stays inf), as in Keras.
    ("loss_scale_adam", "LossScaleOptimizer", {"inner": ("Adam", {"learning_rate": 0.01}),
                                               "dynamic_growth_steps": 10}),
    ("loss_scale_overflow_sgd", "LossScaleOptimizer",
     {"inner": ("SGD", {"learning_rate": 0.05, "momentum": 0.9}), "initial_scale": 2.0 ** 127,
      "dynamic_growth_steps": 5}),
]

MODELS = {
    # name: (layer sizes, hidden activation, loss)
    "tutorial_mlp": ((8, 30, 1), "relu", "mse"),
    "classifier": ((20, 64, 10), "relu", "sparse_ce_logits"),
}


def make_data(model: str, steps: int, batch: int = 32, seed: int = 0):
    sizes, _, loss = MODELS[model]
    rng = np.random.default_rng(seed)
    weights = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        lim = np.sqrt(6 / (a + b))
        weights += [rng.uniform(-lim, lim, (a, b)), rng.uniform(-0.1, 0.1, (b,))]
    batches = []
    for _ in range(steps):
        x = rng.standard_normal((batch, sizes[0]))
        if loss == "mse":
            y = np.sin(x.sum(1, keepdims=True)) + 0.1 * rng.standard_normal((batch, 1))
        else:
            y = rng.integers(0, sizes[-1], (batch,))
        batches.append((x, y))
    return weights, batches


def build(fw, model: str, dtype: str):
    sizes, act, _ = MODELS[model]
    layers = [fw.keras.Input(shape=(sizes[0],), dtype=dtype)]
    for i, n in enumerate(sizes[1:]):
        last = i == len(sizes) - 2
        layers.append(fw.keras.layers.Dense(n, activation=None if last else act, dtype=dtype))
    return fw.keras.Sequential(layers)


def run(fw, model: str, opt_name: str, dtype: str, steps: int = 100):
    """Per-step losses and final weights of a custom training loop."""
    _, cls, kwargs = next(o for o in OPTIMIZERS if o[0] == opt_name)
    init, batches = make_data(model, steps)
    net = build(fw, model, dtype)
    net.set_weights([w.astype(dtype) for w in init])
    kwargs = dict(kwargs)
    if "inner" in kwargs:
        inner_cls, inner_kwargs = kwargs.pop("inner")
        kwargs["inner_optimizer"] = getattr(fw.keras.optimizers, inner_cls)(**inner_kwargs)
    opt = getattr(fw.keras.optimizers, cls)(**kwargs)
    # Keras's optimizers scale the loss inside the tape (LossScaleOptimizer by its dynamic
    # scale, the others by loss_scale_factor, None here); minitf's base optimizer has none.
    scale_loss = getattr(opt, "scale_loss", lambda v: v)
    if MODELS[model][2] == "mse":
        loss_fn = fw.keras.losses.MeanSquaredError(dtype=dtype)
    else:
        loss_fn = fw.keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype=dtype)
    losses = []
    for x, y in batches:
        x = fw.constant(x.astype(dtype))
        y = fw.constant(y.astype(dtype)) if MODELS[model][2] == "mse" else fw.constant(y)
        with fw.GradientTape() as tape:
            loss = loss_fn(y, net(x, training=True))
            scaled = scale_loss(loss)
        grads = tape.gradient(scaled, net.trainable_variables)
        opt.apply_gradients(zip(grads, net.trainable_variables))
        losses.append(float(loss))
    return np.array(losses), [np.asarray(w) for w in net.get_weights()]
