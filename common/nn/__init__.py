"""Keras building material shared by the models: layers, blocks, training and logging.

* :mod:`.frontends`: layers that turn a waveform into features inside the graph.
* :mod:`.blocks`: convolution, dense and TCN blocks.
* :mod:`.losses`: objectives that need more than ``(y_true, y_pred)``.
* :mod:`.training`: seeds, run folders, compile settings, ``fit`` with checkpoints.
* :mod:`.tensorboard`: spectrogram images, audio, figures and text in TensorBoard.
* :mod:`.interpret`: first-layer kernels and occlusion saliency.

Everything here uses ``keras`` and ``keras.ops`` only, so it runs on JAX, TensorFlow and PyTorch.
Taught in Part 0 (notebook 03) and Part 1.
"""
