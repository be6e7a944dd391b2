"""Plots shared by the notebooks, the slides and the TensorBoard images.

* :mod:`.figures`: make a figure, set notebooks up, turn figures into PNG or RGB arrays.
* :mod:`.plots`: spectrograms, waveforms, beat and note overlays, confusion matrices, kernels,
  saliency and activations.

Taught in Part 0 (notebook 01) and used by every notebook.
"""
