# %% [markdown]
# # Keras 3 on three backends
#
# Keras 3 is a front end: you describe layers, losses and optimizers once, and a **backend**
# (JAX, TensorFlow or PyTorch) does the arithmetic. In this notebook we
#
# 1. look at what a backend is, and how to choose one;
# 2. train a small fully connected network that recognises the **style** of a clip from
#    hand-crafted features (MFCC statistics), with TensorBoard watching;
# 3. compare it, in the same run, with a scikit-learn logistic regression on the same features;
# 4. save the trained model on this backend and load it on the two others, checking that the
#    predictions are identical.
#
# The script `part0_audio_basics/scripts/train_style_mlp.py` runs the same experiment from the
# command line (it is what `make workshop` runs).

# %%
# The backend must be chosen before Keras is imported for the first time in a process:
# start_notebook does it ($KERAS_BACKEND, else JAX), with the corpus size ($MIR_COURSE_SIZE,
# else workshop), compact inline figures and the settings of the script named here.
from common.cli import start_notebook

notebook = start_notebook("train_style_mlp")
SIZE = notebook.size

import keras
import numpy as np

# %% [markdown]
# ## 1. What a backend does
#
# `keras.ops` is a NumPy-like API that every backend implements. The same line of code returns a
# JAX array, a TensorFlow tensor or a PyTorch tensor depending on the backend; models built from
# `keras.layers` and `keras.ops` alone run on all three. Changing backend inside a running
# process is not possible; this is why the course's scripts take `--backend` and the
# cross-backend check below runs in child processes.

# %%
x = keras.ops.convert_to_tensor(np.array([[1.0, -2.0, 3.0]], dtype="float32"))
y = keras.ops.relu(x) + keras.ops.softmax(x)
print(type(y))
print(keras.ops.convert_to_numpy(y))

# %% [markdown]
# ## 2. The data: one feature vector per clip
#
# Each clip of the embedded corpus is summarised by the mean and standard deviation of 20 MFCCs
# and of their frame-to-frame differences: 80 numbers that describe timbre and how it moves
# (Tzanetakis and Cook, 2002). `FeatureCache` computes them once and keeps them on disk.
# Splits are **by work**: no version (cover) of a test song is heard in training.

# %%
from common.data import by_split, load_corpus
from common.data.cache import FeatureCache
from common.data.samplers import split_tables
from common.data.targets import class_targets
from common.tasks.classification import logistic_regression
from common.viz.figures import new_figure
from common.viz.plots import plot_confusion_matrix, plot_learning_curves

corpus = load_corpus(SIZE)
splits = by_split(corpus.tracks(kind="music"))
classes = sorted({t.genre for t in splits["train"]})
x, y = split_tables(splits, FeatureCache("mfcc_statistics"), class_targets(classes))
for split in x:
    print(f"{split:5s}: inputs {x[split].shape}, labels {y[split].shape}")
print("classes:", classes)

# %% [markdown]
# ## 3. The model
#
# A fully connected network (a multi-layer perceptron): standardisation, one hidden layer of
# ReLU units with dropout, and a softmax over the styles. The standardisation statistics are
# taken from the training set and stored **inside** the model (a `Normalization` layer), so the
# saved file needs no separate scaler. Here is the course's definition, then the model:

# %%
import inspect

from common.models.classifiers import mlp_classifier

print(inspect.getsource(mlp_classifier))

# %% [markdown]
# `common.nn.training.set_seed` calls `keras.utils.set_random_seed` (Python, NumPy and backend
# seeds; the same seed then gives the same run on one backend). It also imports TensorFlow first
# without its start-up messages: Keras uses TensorFlow on every backend to seed it and to write
# TensorBoard files.

# %%
from common.nn.training import set_seed

set_seed(0)
model = mlp_classifier(len(classes), training_features=x["train"], hidden=(128,), dropout=0.5)
model.summary()

# %% [markdown]
# Training needs a loss (cross-entropy between the predicted distribution and the true class),
# an optimizer (Adam: stochastic gradient descent with per-parameter step sizes) and metrics to
# watch. `model.compile` records them; `jit_compile="auto"` lets Keras compile the training step
# with XLA where it pays (JAX; TensorFlow on a GPU) and run eagerly otherwise (PyTorch).

# %%
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=1e-3),
    loss=keras.losses.SparseCategoricalCrossentropy(),
    metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
)

# %% [markdown]
# ## 4. Training, watched by TensorBoard
#
# `common.nn.training.fit` calls `model.fit` with a TensorBoard callback (loss and accuracy per
# epoch), a checkpoint of the best model on the validation split, and early stopping. Open
# TensorBoard in a terminal with `tensorboard --logdir runs` (or `make tensorboard`) and look
# for the run named below.

# %%
from common import runs_home
from common.nn.training import fit, run_dir

log_dir = run_dir(runs_home(), part=0, example="style_mlp_notebook")
history = fit(
    model,
    (x["train"], y["train"]),
    (x["valid"], y["valid"]),
    epochs=notebook.epochs,  # train_style_mlp.py's epochs at this corpus size
    log_dir=log_dir,
    patience=30,
    batch_size=32,
    verbose=0,
)
print("TensorBoard run:", log_dir.relative_to(runs_home().parent))
print(f"stopped after {len(history.history['loss'])} epochs")

# %%

fig, axes = new_figure(1, 2, figsize=(10, 3))
for ax, metric in zip(axes[0], ("loss", "accuracy"), strict=True):
    plot_learning_curves(ax, history, metric, title=metric)
fig

# %% [markdown]
# The training loss keeps falling while the validation loss flattens: from there on the network
# learns the training clips rather than the styles. Early stopping keeps the weights of the best
# validation epoch.
#
# ## 5. Test accuracy, and a baseline from the same run
#
# A model's score means little alone. We train a logistic regression (a linear classifier) on
# exactly the same standardised features, and evaluate both on the **test** split, which neither
# has seen: nothing was tuned on it.

# %%
probabilities = model.predict(x["test"], verbose=0)
network_accuracy = float(np.mean(probabilities.argmax(1) == y["test"]))
baseline = logistic_regression(x["train"], y["train"])
baseline_accuracy = float(baseline.score(x["test"], y["test"]))
print(f"test clips: {len(y['test'])}")
print(f"MLP on {keras.backend.backend():10s} accuracy {network_accuracy:.3f}")
print(f"logistic regression     accuracy {baseline_accuracy:.3f}")

# %%
from sklearn.metrics import confusion_matrix

fig, axes = new_figure(figsize=(6, 5))
matrix = confusion_matrix(y["test"], probabilities.argmax(1), labels=range(len(classes)))
plot_confusion_matrix(axes[0, 0], matrix, classes)
axes[0, 0].set_title("MLP, test split")
fig

# %% [markdown]
# How to read these numbers: the test split is small (a few clips per style), so one clip moves
# the accuracy by a few points. With fewer than two hundred training clips (the shapes printed
# above) and 80 well-designed features, a linear model is hard to beat: the extra flexibility of
# the hidden layer has little to work with. Averages of MFCCs also throw away *time*: the groove that tells a bossa nova from
# a swing tune is mostly gone. Part 1 lets a convolutional network look at the spectrogram
# itself.
#
# ## 6. One file, three backends
#
# A `.keras` file holds the architecture (as configuration) and the weights (as arrays), not any
# backend's code. We save the model here and load it in two fresh Python processes, one per other
# backend, on the same test inputs.

# %%
from common.cli import BACKENDS
from common.course.crossbackend import predict_in_backend

path = log_dir / "style_mlp.keras"
model.save(path)
for other in BACKENDS:
    if other == keras.backend.backend():
        continue
    predicted = predict_in_backend(path, x["test"], other)
    difference = np.abs(predicted - probabilities).max()
    same = np.array_equal(predicted.argmax(1), probabilities.argmax(1))
    print(
        f"{keras.backend.backend()} -> {other:10s}: largest probability difference {difference:.1e}, "
        f"same decisions: {same}"
    )

# %% [markdown]
# The probabilities agree to within float32 round-off (different kernels sum in different
# orders), and the decisions are identical.
#
# One pitfall: `model.compile(jit_compile="auto")` is *resolved* when the model is compiled, and
# the file stores the resolved value. A model compiled under JAX stores `jit_compile=True`;
# loaded under PyTorch, that means `torch.compile`, which is slow to start and fragile on a CPU.
# In the other direction, a file saved under PyTorch stores `False`, and JAX would then run
# without XLA. `common.models.load_model` resets the setting to `"auto"` for the backend that
# loads the file. Here is what each loader gives on the other backends:

# %%
import json
import zipfile

from common.course.crossbackend import jit_compile_when_loaded

with zipfile.ZipFile(path) as archive:
    stored = json.loads(archive.read("config.json"))["compile_config"]["jit_compile"]
print(f"saved on {keras.backend.backend()}: the file stores jit_compile={stored}")
for other in BACKENDS:
    if other != keras.backend.backend():
        print(f"loaded on {other:10s}:", jit_compile_when_loaded(path, other))

# %% [markdown]
# ## What to remember
#
# - The backend is chosen once per process, before `import keras` (`KERAS_BACKEND`).
# - Models written with `keras.layers` and `keras.ops` only run on JAX, TensorFlow and PyTorch,
#   and their `.keras` files move between them with identical predictions.
# - Always compare with a baseline computed in the same run, on a test split nothing was tuned
#   on; on small data a linear model is a strong opponent.
# - TensorBoard (`tensorboard --logdir runs`) shows the curves, and the course also logs example
#   spectrograms with the model's predictions, audio and the confusion matrix.
