"""The embedded corpus: synthetic but musical audio with exact labels for every task.

Scores are composed (:mod:`.works`), arranged in one of eight styles (:mod:`.styles`),
performed with human timing (:mod:`.score`), rendered stem by stem with a General MIDI
SoundFont (:mod:`.render`, :mod:`.song`), and completed by speech clips from eSpeak NG
(:mod:`.speech`). :mod:`.generator` writes it all to disk in real-dataset formats.

The held-out set (preset ``ood``) is made the same way from new works, in two styles the corpus
never plays (``HELD_OUT_STYLES`` in :mod:`.styles`) and in the corpus's styles played by the
course's own instruments (:mod:`.synth`) instead of the SoundFont.

Command line::

    python -m common.data.synthetic --preset tiny --out data/corpus-tiny
    python -m common.data.synthetic --preset ood --out data/corpus-ood
"""

from common.data.synthetic.generator import (
    GENERATOR_VERSION,
    PRESETS,
    CorpusMismatchError,
    Preset,
    is_complete,
    render_corpus,
)
from common.data.synthetic.styles import STYLES

__all__ = [
    "GENERATOR_VERSION",
    "PRESETS",
    "STYLES",
    "CorpusMismatchError",
    "Preset",
    "is_complete",
    "render_corpus",
]
