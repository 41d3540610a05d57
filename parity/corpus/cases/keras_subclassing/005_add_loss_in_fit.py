"""Source: https://github.com/keras-team/keras-io/blob/master/guides/making_new_layers_and_models_via_subclassing.py, cell/section "The add_loss() method" (the fit() part)
Adapted: random training data replaced by fixed arrays; fit(verbose=0) and the history's keys and
epoch count printed (the loss values depend on nothing random here: the layer has no weights, so
they are printed too).
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras


class ActivityRegularizationLayer(keras.layers.Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * tf.reduce_mean(inputs))
        return inputs


x = np.linspace(0.0, 1.0, 6).reshape(2, 3)
y = np.linspace(1.0, 0.0, 6).reshape(2, 3)
inputs = keras.Input(shape=(3,))
outputs = ActivityRegularizationLayer()(inputs)
model = keras.Model(inputs, outputs)

# If there is a loss passed in `compile`, the regularization
# losses get added to it
model.compile(optimizer="adam", loss="mse")
h = model.fit(x, y, verbose=0)
print(sorted(h.history), np.round(h.history["loss"], 6))

# It's also possible not to pass any loss in `compile`,
# since the model already has a loss to minimize, via the `add_loss`
# call during the forward pass!
model.compile(optimizer="adam")
h = model.fit(x, y, verbose=0)
print(sorted(h.history), np.round(h.history["loss"], 6))
