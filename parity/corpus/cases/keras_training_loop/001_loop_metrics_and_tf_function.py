"""Source: https://github.com/keras-team/keras-io/blob/master/guides/writing_a_custom_training_loop_in_tensorflow.py, cell/section "A first end-to-end example", "Low-level handling of metrics" and "Speeding-up your training step with tf.function"
Adapted: the dependent cells are merged; keras.datasets.mnist.load_data() replaced by generated
uint8 arrays of MNIST's shapes (192 training rows, the last 64 held out for validation; no
network); one epoch per loop instead of 3 and 2, logging every 2 batches instead of 100. Losses
and accuracies depend on random weights, so they are printed as "finite" / "in [0, 1]"; the
timing lines are left out.
"""
import tensorflow as tf
import keras
import numpy as np


def get_model():
    inputs = keras.Input(shape=(784,), name="digits")
    x1 = keras.layers.Dense(64, activation="relu")(inputs)
    x2 = keras.layers.Dense(64, activation="relu")(x1)
    outputs = keras.layers.Dense(10, name="predictions")(x2)
    model = keras.Model(inputs=inputs, outputs=outputs)
    return model


model = get_model()
optimizer = keras.optimizers.Adam(learning_rate=1e-3)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

batch_size = 32
rng = np.random.default_rng(0)
x_train = rng.integers(0, 256, (192, 28, 28)).astype(np.uint8)
y_train = rng.integers(0, 10, 192).astype(np.uint8)
x_train = np.reshape(x_train, (-1, 784))

# Reserve 64 samples for validation.
x_val = x_train[-64:]
y_val = y_train[-64:]
x_train = x_train[:-64]
y_train = y_train[:-64]

train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
train_dataset = train_dataset.shuffle(buffer_size=1024).batch(batch_size)
val_dataset = tf.data.Dataset.from_tensor_slices((x_val, y_val))
val_dataset = val_dataset.batch(batch_size)
print(train_dataset.element_spec)

epochs = 1
for epoch in range(epochs):
    print(f"\nStart of epoch {epoch}")
    for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
        with tf.GradientTape() as tape:
            logits = model(x_batch_train, training=True)  # Logits for this minibatch
            loss_value = loss_fn(y_batch_train, logits)
        grads = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply(grads, model.trainable_weights)
        if step % 2 == 0:
            print(f"Training loss (for 1 batch) at step {step} finite: {np.isfinite(float(loss_value))}")
            print(f"Seen so far: {(step + 1) * batch_size} samples")

model = get_model()
optimizer = keras.optimizers.Adam(learning_rate=1e-3)
train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
val_acc_metric = keras.metrics.SparseCategoricalAccuracy()


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss_value = loss_fn(y, logits)
    grads = tape.gradient(loss_value, model.trainable_weights)
    optimizer.apply(grads, model.trainable_weights)
    train_acc_metric.update_state(y, logits)
    return loss_value


@tf.function
def test_step(x, y):
    val_logits = model(x, training=False)
    val_acc_metric.update_state(y, val_logits)


for epoch in range(epochs):
    print(f"\nStart of epoch {epoch}")
    for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
        loss_value = train_step(x_batch_train, y_batch_train)
        if step % 2 == 0:
            print(f"Seen so far: {(step + 1) * batch_size} samples")
    train_acc = train_acc_metric.result()
    print(f"Training acc over epoch in [0, 1]: {0 <= float(train_acc) <= 1}")
    train_acc_metric.reset_state()
    print(float(train_acc_metric.result()))
    for x_batch_val, y_batch_val in val_dataset:
        test_step(x_batch_val, y_batch_val)
    val_acc = val_acc_metric.result()
    val_acc_metric.reset_state()
    print(f"Validation acc in [0, 1]: {0 <= float(val_acc) <= 1}", loss_value.dtype, loss_value.shape)
