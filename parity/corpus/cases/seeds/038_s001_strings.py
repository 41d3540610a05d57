"""Source: ../shared/seeds/001_80200108b67a727c.txt, cell/section "字符串"
Adapted: the displayed cell values are printed.
"""
SCOPE = "later: string tensors (tf.string)"

import tensorflow as tf

print(tf.constant("hello world"))
print(tf.constant("你好 世界"))
print(tf.constant(b"hello world"))
u = tf.constant([ord(c) for c in "诞生于1996,梦想做说唱领袖"])
print(u)
b = tf.strings.unicode_encode(u, "UTF-8")
print(b)
print(tf.strings.length(b, unit="UTF8_CHAR"))
print(tf.strings.unicode_decode(b, "UTF-8"))
p = tf.constant(["全民制作人", "你们好", "cxk", "wzy"])
print(p)
