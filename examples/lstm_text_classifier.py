"""An LSTM text classifier with padding masks: Embedding(mask_zero=True) - Bidirectional(LSTM)
- Dense, trained with fit on short synthetic reviews whose label needs word order.

Each review holds one sentiment word, optionally negated by "not" just before it ("the film
was not good" is negative), among filler words, padded with id 0 to a fixed length. A bag of
words cannot tell "not good" from "good ... not" nor learn the XOR of "not" and the word, so the
order-aware LSTM is what gets it right; the padding is masked, so it changes nothing.

Run: python examples/lstm_text_classifier.py
"""
import numpy as np

import minitf as tf

keras = tf.keras
rng = np.random.default_rng(0)
tf.random.set_seed(0)

POSITIVE = ["good", "great", "fine", "lovely", "superb"]
NEGATIVE = ["bad", "awful", "dull", "poor", "boring"]
FILLER = ["the", "film", "was", "really", "plot", "acting", "quite", "and", "not"]
VOCAB = ["<pad>"] + sorted(set(POSITIVE + NEGATIVE + FILLER))
INDEX = {w: i for i, w in enumerate(VOCAB)}
LENGTH = 12


def review():
    """(words, label): filler around one sentiment word, maybe negated right before it."""
    positive = rng.random() < 0.5
    word = rng.choice(POSITIVE if positive else NEGATIVE)
    negated = rng.random() < 0.5
    core = (["not"] if negated else []) + [word]
    fill = [w for w in rng.choice(FILLER[:-1], rng.integers(1, LENGTH - len(core)))]
    at = rng.integers(0, len(fill) + 1)
    words = fill[:at] + core + fill[at:]
    if not negated and rng.random() < 0.3:             # a stray "not" after the word: no effect
        words = words + ["not"]
    return words[:LENGTH], int(positive != negated)


def encode(words):
    ids = [INDEX[w] for w in words]
    return ids + [0] * (LENGTH - len(ids))


data = [review() for _ in range(1600)]
X = np.array([encode(w) for w, _ in data], dtype=np.int32)
y = np.array([label for _, label in data], dtype=np.float32)
X_train, y_train, X_test, y_test = X[:1200], y[:1200], X[1200:], y[1200:]

model = keras.Sequential([
    keras.Input(shape=(LENGTH,), dtype="int32"),
    keras.layers.Embedding(len(VOCAB), 8, mask_zero=True),
    keras.layers.Bidirectional(keras.layers.LSTM(16)),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
              metrics=["accuracy"])
model.summary()
model.fit(X_train, y_train, epochs=6, batch_size=32, verbose=2)
loss, acc = model.evaluate(X_test, y_test, verbose=0)
print(f"test loss: {loss:.4f}")
print(f"test accuracy: {acc:.4f}")
padded = model.predict(X_test[:4], verbose=0).ravel()
print("first reviews:", [" ".join(VOCAB[i] for i in row if i) for row in X_test[:4]])
print("P(positive):", [round(float(p), 3) for p in padded])
