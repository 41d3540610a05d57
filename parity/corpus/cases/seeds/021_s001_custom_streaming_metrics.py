"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "自定义指标"
Adapted: the displayed cell values are printed (variables as their values).
"""
import tensorflow as tf


def create_huber(threshold=1.0):
    def huber_fn(y_true, y_pred):
        error = y_true - y_pred
        is_small_error = tf.abs(error) < threshold
        squared_loss = tf.square(error) / 2
        linear_loss = threshold * tf.abs(error) - threshold ** 2 / 2
        return tf.where(is_small_error, squared_loss, linear_loss)
    return huber_fn


class HuberMetric(tf.keras.metrics.Metric):
    def __init__(self, threshold=1.0, **kwargs):
        super().__init__(**kwargs)
        self.threshold = threshold
        self.huber_fn = create_huber(threshold)
        self.total = self.add_weight(name="total", initializer="zeros")
        self.count = self.add_weight(name="count", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        sample_metrics = self.huber_fn(y_true, y_pred)
        self.total.assign_add(tf.reduce_sum(sample_metrics))
        self.count.assign_add(tf.cast(tf.size(y_true), tf.float32))

    def result(self):
        return self.total / self.count

    def get_config(self):
        base_config = super().get_config()
        return {**base_config, "threshold": self.threshold}


class MyPrecision(tf.keras.metrics.Metric):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.true_positives = self.add_weight(name="true_positives", initializer="zeros")
        self.false_positives = self.add_weight(name="false_positives", initializer="zeros")

    def update_state(self, y_true, y_pred):
        total_pred_positives = tf.cast(tf.reduce_sum(y_pred), tf.float32)
        true_positives = tf.reduce_sum(tf.multiply(tf.cast(y_true, tf.float32),
                                                   tf.cast(y_pred, tf.float32)))
        self.true_positives.assign_add(true_positives)
        self.false_positives.assign_add(total_pred_positives - true_positives)

    def result(self):
        if tf.equal(self.true_positives + self.false_positives, 0):
            return self.true_positives
        return self.true_positives / (self.true_positives + self.false_positives)


m = MyPrecision()
print(m(tf.constant([0, 1, 1, 1, 0, 1, 0, 1]), tf.constant([1, 1, 0, 1, 0, 1, 0, 1])))
print(m([0, 1, 0, 0, 1, 0, 1, 1], [1, 0, 1, 1, 0, 0, 0, 0]))

m = HuberMetric(2.)
print(m(tf.constant([[2.]]), tf.constant([[10.]])))
print(m(tf.constant([[0.], [5.]]), tf.constant([[1.], [9.25]])))
print(m.result())
print([v.numpy() for v in m.variables])
m.reset_state()
print([v.numpy() for v in m.variables])
print(m.get_config()["threshold"])
