"""Source: ../shared/seeds/003_6fdc790f26130aa4.txt, cell/section "Keras：model和layer" (通过模型类的方式编写线性模型)
Adapted: print(model.variables) prints the variables' values with their names; the case prints
the values (deterministic: zero initialisers and fixed data) and the variables' shapes.
"""
import tensorflow as tf

X = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
y = tf.constant([[10.0], [20.0]])


class Linear(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = tf.keras.layers.Dense(
            units=1,
            activation=None,
            kernel_initializer=tf.zeros_initializer(),
            bias_initializer=tf.zeros_initializer()
        )

    def call(self, input):
        output = self.dense(input)
        return output


model = Linear()
optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)
for i in range(100):
    with tf.GradientTape() as tape:
        y_pred = model(X)
        loss = tf.reduce_mean(tf.square(y_pred - y))
    grads = tape.gradient(loss, model.variables)
    optimizer.apply_gradients(grads_and_vars=zip(grads, model.variables))
print([v.numpy() for v in model.variables])
print([tuple(v.shape) for v in model.variables], float(loss))
