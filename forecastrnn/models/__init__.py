"""Keras models. Submodules import TensorFlow; this package file does not."""
