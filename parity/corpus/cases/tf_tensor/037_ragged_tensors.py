"""Source: https://www.tensorflow.org/guide/tensor, cell/section "Ragged Tensors"
Adapted: none.
"""

ragged_list = [
    [0, 1, 2, 3],
    [4, 5],
    [6, 7, 8],
    [9]]
