"""Silence what native libraries print straight to the stderr file descriptor.

TensorFlow (imported by Keras on the TensorFlow backend, and by the course on every backend to
write TensorBoard files) prints CUDA probing errors and oneDNN notices from C++ before any
logging setting applies. They are harmless on a CPU but read like failures in a workshop.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Point file descriptor 2 at the null device for the block.

    Python exceptions are unaffected: they propagate and are printed after the block.
    """
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
