"""Source: ../shared/seeds/000_fe888038a93e0f69.txt, cell/section "子类API" (WideDeepModel)
Adapted: the California-housing arrays replaced by 64 generated standardised rows with 8
features (no network, no scikit-learn); fit(verbose=0). model.summary() is printed as in the
note; the loss depends on random weights, so the history is printed as its keys.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras

rng = np.random.default_rng(1)
x_train_scaled = rng.normal(size=(64, 8)).astype(np.float32)
y_train = rng.normal(size=(64, 1)).astype(np.float32)
x_valid_scaled = rng.normal(size=(16, 8)).astype(np.float32)
y_valid = rng.normal(size=(16, 1)).astype(np.float32)


class WideDeepModel(keras.models.Model):
    def __init__(self):
        super(WideDeepModel, self).__init__()
        """定义模型的层次"""
        self.hidden1_layer = keras.layers.Dense(30, activation='relu')
        self.hidden2_layer = keras.layers.Dense(30, activation='relu')
        self.output_layer = keras.layers.Dense(1)

    def call(self, input):
        """完成模型的正向计算"""
        hidden1 = self.hidden1_layer(input)
        hidden2 = self.hidden2_layer(hidden1)
        concat = keras.layers.concatenate([input, hidden2])
        output = self.output_layer(concat)
        return output


model = keras.models.Sequential([
    WideDeepModel(),
])

model.build(input_shape=(None, 8))

model.summary()
model.compile(loss="mean_squared_error", optimizer="sgd")
callbacks = [keras.callbacks.EarlyStopping(
    patience=5, min_delta=1e-2)]
history = model.fit(x_train_scaled, y_train,
                    validation_data = (x_valid_scaled, y_valid),
                    epochs = 1,
                    callbacks = callbacks, verbose=0)
print(sorted(history.history))
