"""Source: https://www.tensorflow.org/guide/function, cell/section "Obtaining graphs"
Adapted: the 3 earlier cell(s) defining names this cell uses are repeated first as setup; the setup cells' prints are left out.
"""
SCOPE = "later: string tensors (tf.string)"

import tensorflow as tf

@tf.function
def double(a):
  print("Tracing with", a)
  return a + a

double_strings = double.get_concrete_function(tf.constant("a"))

graph = double_strings.graph
for node in graph.as_graph_def().node:
  print(f'{node.input} -> {node.name}')
