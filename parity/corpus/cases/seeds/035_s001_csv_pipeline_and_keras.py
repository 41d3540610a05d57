"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "乱序数据 / 预处理数据 / 上述操作合并 / 在Keras中使用数据集"
Adapted: scikit-learn's California housing is replaced by generated data of the same width (8 features, 2 decimals, fewer rows) written to CSV files under a temporary directory, with the note's header; StandardScaler's mean and scale are computed with NumPy; fit/evaluate/predict run with verbose=0 and the case prints their numbers.
"""
import os
import tempfile
from pathlib import Path

import numpy as np
import tensorflow as tf

rng = np.random.RandomState(42)
data = np.round(np.c_[rng.uniform(0, 10, (600, 8)), rng.uniform(0, 5, 600)], 2)
X_train, y_train = data[:400, :8], data[:400, 8:]
X_valid, y_valid = data[400:500, :8], data[400:500, 8:]
X_test, y_test = data[500:, :8], data[500:, 8:]
root = Path(tempfile.mkdtemp())


def save_to_csv_files(data, name_prefix, header=None, n_parts=10):
    housing_dir = root / "datasets" / "housing"
    housing_dir.mkdir(parents=True, exist_ok=True)
    filename_format = "my_{}_{:02d}.csv"
    filepaths = []
    m = len(data)
    chunks = np.array_split(np.arange(m), n_parts)
    for file_idx, row_indices in enumerate(chunks):
        part_csv = housing_dir / filename_format.format(name_prefix, file_idx)
        filepaths.append(str(part_csv))
        with open(part_csv, "w") as f:
            if header is not None:
                f.write(header)
                f.write("\n")
            for row_idx in row_indices:
                f.write(",".join([str(col) for col in data[row_idx]]))
                f.write("\n")
    return filepaths


header = ",".join(["MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup",
                   "Latitude", "Longitude", "MedianHouseValue"])
train_filepaths = save_to_csv_files(np.c_[X_train, y_train], "train", header, n_parts=20)
valid_filepaths = save_to_csv_files(np.c_[X_valid, y_valid], "valid", header, n_parts=10)
test_filepaths = save_to_csv_files(np.c_[X_test, y_test], "test", header, n_parts=10)
print([os.path.basename(p) for p in train_filepaths[:3]])
print("".join(open(train_filepaths[0]).readlines()[:4]))

filepath_dataset = tf.data.Dataset.list_files(train_filepaths, seed=42)
for filepath in filepath_dataset:
    print(os.path.basename(filepath.numpy().decode()))
n_readers = 5
dataset = filepath_dataset.interleave(lambda filepath: tf.data.TextLineDataset(filepath).skip(1),
                                      cycle_length=n_readers)
for line in dataset.take(5):
    print(line)

X_mean, X_std = X_train.mean(axis=0), X_train.std(axis=0)
n_inputs = 8


def parse_csv_line(line):
    defs = [0.] * n_inputs + [tf.constant([], dtype=tf.float32)]
    fields = tf.io.decode_csv(line, record_defaults=defs)
    return tf.stack(fields[:-1]), tf.stack(fields[-1:])


def preprocess(line):
    x, y = parse_csv_line(line)
    return (x - X_mean) / X_std, y


print(preprocess(b'4.2083,44.0,5.3232,0.9171,846.0,2.3370,37.47,-122.2,2.782'))


def csv_reader_dataset(filepaths, n_readers=5, n_read_threads=None,
                       n_parse_threads=5, shuffle_buffer_size=10_000, seed=42,
                       batch_size=32):
    dataset = tf.data.Dataset.list_files(filepaths, seed=seed)
    dataset = dataset.interleave(
        lambda filepath: tf.data.TextLineDataset(filepath).skip(1),
        cycle_length=n_readers, num_parallel_calls=n_read_threads)
    dataset = dataset.map(preprocess, num_parallel_calls=n_parse_threads)
    dataset = dataset.shuffle(shuffle_buffer_size, seed=seed)
    return dataset.batch(batch_size).prefetch(1)


example_set = csv_reader_dataset(train_filepaths, batch_size=3)
for X_batch, y_batch in example_set.take(2):
    print("X =", X_batch)
    print("y =", y_batch)
    print()

train_set = csv_reader_dataset(train_filepaths)
valid_set = csv_reader_dataset(valid_filepaths)
test_set = csv_reader_dataset(test_filepaths)
model = tf.keras.Sequential([
    tf.keras.layers.Dense(30, activation="relu", kernel_initializer="he_normal",
                          input_shape=X_train.shape[1:]),
    tf.keras.layers.Dense(1),
])
model.compile(loss="mse", optimizer="sgd")
history = model.fit(train_set, validation_data=valid_set, epochs=5, verbose=0)
print(np.round(history.history["loss"], 4))
test_mse = model.evaluate(test_set, verbose=0)
new_set = test_set.take(3)
y_pred = model.predict(new_set, verbose=0)
print(round(test_mse, 4), y_pred.shape)
