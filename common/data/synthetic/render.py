"""Render performed notes to audio with a General MIDI SoundFont, one stem at a time.

The scheduler is our own: it renders the synthesiser up to the exact sample of each event,
then applies the event. (tinysoundfont's built-in MIDI sequencer drifts late by milliseconds
over a song, which would make the labels wrong.) Every stem gets a fresh synthesiser, so a
stem's audio depends only on its own notes: renders are deterministic and stems sum to the mix.
"Fresh" is a reset of one synthesiser per process, which gives the same samples as a new one.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from common.data.synthetic.score import Part, TimedNote

DRUM_CHANNEL = 9
VIBRATO_HZ = 5.5
VIBRATO_CENTS = 35.0
VIBRATO_DELAY = 0.15  # seconds after the note starts
WHEEL_STEP = 256  # samples between pitch-wheel updates of a vibrato


@functools.cache
def soundfont_path() -> Path:
    """The General MIDI SoundFont TimGM6mb.sf2 that ships inside the pretty_midi package."""
    import pretty_midi

    path = Path(pretty_midi.__file__).parent / "TimGM6mb.sf2"
    if not path.is_file():
        raise FileNotFoundError(
            f"The SoundFont {path} is missing from the pretty_midi package; reinstall it with "
            "`pip install --force-reinstall pretty_midi==0.2.11.post0`."
        )
    return path


@functools.cache
def _soundfont_bytes() -> bytes:
    return soundfont_path().read_bytes()


@functools.cache
def _synth_for(sample_rate: int):
    try:
        from tinysoundfont import _tinysoundfont as tsf
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImportError(
            "tinysoundfont is not installed. Install it without its playback dependency: "
            "`pip install --no-deps tinysoundfont==0.3.7` (or run `make setup`)."
        ) from exc
    synth = tsf.SoundFont(_soundfont_bytes())
    synth.set_output(tsf.OutputMode.Mono, sample_rate, 0.0)
    synth.set_max_voices(256)
    return synth


def _new_synth(sample_rate: int):
    """The process's synthesiser, reset to the state of a freshly loaded one.

    Loading the SoundFont takes milliseconds; a reset takes microseconds. A reset alone leaves
    traces of released voices, so one block is rendered after it: the output is then
    bit-identical to that of a fresh synthesiser, whatever was played before
    (``tests/test_corpus.py`` renders the same clips in different orders to check).
    """
    synth = _synth_for(sample_rate)
    synth.reset()
    synth.render(memoryview(np.zeros(1024, dtype=np.float32)).cast("B"), False)
    return synth


#: A note's perceived onset is when its envelope reaches half its attack peak (-6 dB). Measured
#: against spectral flux in the mixes, this is where the energy rises for every style; the
#: very first sample is too early for bowed strings, which swell under the other voices.
ATTACK_LEVEL = 10 ** (-6 / 20)
ATTACK_WINDOW = 0.25  # seconds in which the attack peak is looked for


@functools.lru_cache(maxsize=4096)
def attack_delay(program: int, pitch: int, is_drum: bool, sample_rate: int = 22050) -> float:
    """Seconds from note-on until the sound of ``program`` at ``pitch`` is perceived.

    Renders the note alone and finds when its RMS envelope (2.5 ms frames) first reaches
    half (-6 dB) of its peak within the first 250 ms. Drums, plucked and struck sounds take a few
    milliseconds; bowed strings tens; pads and choirs swell for hundreds.
    """
    synth = _new_synth(sample_rate)
    channel = DRUM_CHANNEL if is_drum else 0
    synth.channel_set_preset_number(channel, 0 if is_drum else program, is_drum)
    audio = np.zeros(int(ATTACK_WINDOW * sample_rate), dtype=np.float32)
    synth.channel_note_on(channel, pitch, 0.8)
    synth.render(memoryview(audio).cast("B"), False)
    return perceived_delay(audio, sample_rate)


def perceived_delay(audio: np.ndarray, sample_rate: int) -> float:
    """Seconds until the RMS envelope (2.5 ms frames) of a note rendered alone first reaches
    half (-6 dB) of its peak within the first 250 ms (0.0 for silence)."""
    audio = audio[: int(ATTACK_WINDOW * sample_rate)]
    frame = int(0.0025 * sample_rate)
    n = len(audio) // frame
    envelope = np.sqrt((audio[: n * frame].reshape(n, frame) ** 2).mean(axis=1))
    if envelope.max() <= 0:
        return 0.0
    return float(np.argmax(envelope >= ATTACK_LEVEL * envelope.max()) * frame / sample_rate)


def _events(
    notes: list[TimedNote],
    channels: dict[str, int],
    vibrato: set[str],
    sample_rate: int,
    n_samples: int,
) -> list[tuple[int, int, int, int, float]]:
    """Scheduler events ``(sample, order, channel, value, velocity)``, sorted.

    ``order`` ranks events on the same sample: note-offs (0) before pitch-wheel moves (1) before
    note-ons (2), so a repeated pitch is released before it is struck again.
    """
    events = []
    for note in notes:
        start = int(round(note.onset * sample_rate))
        stop = int(round(note.offset * sample_rate))
        if start >= n_samples:
            continue
        channel = channels[note.part]
        events.append((start, 2, channel, note.pitch, note.velocity / 127.0))
        events.append((min(stop, n_samples), 0, channel, note.pitch, 0.0))
        if note.part in vibrato:
            events.append((start, 1, channel, 8192, -1.0))  # centre the wheel at the attack
            first = start + int(VIBRATO_DELAY * sample_rate)
            for position in range(first, min(stop, n_samples), WHEEL_STEP):
                seconds = (position - first) / sample_rate
                depth = VIBRATO_CENTS * min(1.0, seconds / 0.2)  # fade the vibrato in
                cents = depth * np.sin(2 * np.pi * VIBRATO_HZ * seconds)
                events.append((position, 1, channel, int(8192 + 8191 * cents / 200.0), -1.0))
    events.sort(key=lambda e: (e[0], e[1]))
    return events


def render_stem(
    notes: list[TimedNote], parts: list[Part], n_samples: int, sample_rate: int
) -> np.ndarray:
    """Render the notes of one stem; ``parts`` are the parts that play in it.

    Returns ``float32`` audio of shape ``(n_samples,)`` at the SoundFont's own level.
    """
    out = np.zeros(n_samples, dtype=np.float32)
    if not notes:
        return out
    synth = _new_synth(sample_rate)
    channels: dict[str, int] = {}
    free = (c for c in range(16) if c != DRUM_CHANNEL)
    for part in parts:
        channel = DRUM_CHANNEL if part.is_drum else next(free)
        channels[part.name] = channel
        synth.channel_set_preset_number(channel, part.program, part.is_drum)
    vibrato = {p.name for p in parts if p.vibrato}

    position = 0
    for sample, order, channel, value, velocity in _events(
        notes, channels, vibrato, sample_rate, n_samples
    ):
        if sample > position:
            synth.render(memoryview(out[position:sample]).cast("B"), False)
            position = sample
        if order == 2:
            synth.channel_note_on(channel, value, velocity)
        elif order == 0:
            synth.channel_note_off(channel, value)
        else:
            synth.channel_set_pitch_wheel(channel, value)
    if position < n_samples:
        synth.render(memoryview(out[position:]).cast("B"), False)
    return out
