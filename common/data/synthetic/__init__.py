"""The embedded corpus: synthetic but musical audio with exact labels for every task.

Scores are composed (:mod:`.works`), arranged in one of eight styles (:mod:`.styles`),
performed with human timing (:mod:`.score`), rendered stem by stem with a General MIDI
SoundFont (:mod:`.render`, :mod:`.song`), and completed by speech clips from eSpeak NG
(:mod:`.speech`). :mod:`.generator` writes it all to disk in real-dataset formats.

Command line::

    python -m common.data.synthetic --preset tiny --out data/corpus-tiny
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
