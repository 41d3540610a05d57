"""Source: https://www.tensorflow.org/guide/intro_to_modules, cell/section "Creating a `SavedModel`"
Adapted: the 1 earlier cell(s) defining names this cell uses are repeated first as setup.
"""
SCOPE = "later: the SavedModel format (tf.saved_model)"

import tensorflow as tf
import keras
from datetime import datetime

new_model = tf.saved_model.load("the_saved_model")
