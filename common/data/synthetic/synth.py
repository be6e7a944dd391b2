"""The course's own instruments: notes synthesised in numpy, without any SoundFont.

This is the second source of instrument sounds of the generator, used by the held-out set
(``--preset ood``) so that the course can measure what its models do on timbres they never
heard. Every General MIDI program maps to one of a dozen voices, each a pair of wavetables (the
bright attack and the mellow sustain of one period, with only the harmonics below Nyquist) and
an envelope; the drum kit is made of swept sines and filtered noise. Like
:mod:`~common.data.synthetic.render` it renders one stem at a time, deterministically, so that
stems sum to the mix and labels stay exact.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from scipy import signal as sps

from common.data.synthetic.render import VIBRATO_CENTS, VIBRATO_DELAY, VIBRATO_HZ, perceived_delay
from common.data.synthetic.score import Part, TimedNote

TABLE = 2048  # samples per wavetable period
RELEASE = 0.05  # seconds of fade after a note-off


@dataclass(frozen=True)
class Voice:
    """How one family of programs sounds.

    ``bright`` and ``mellow`` give the amplitude of harmonic ``n`` (1-based); the sound fades
    from the first to the second with time constant ``brighten`` (seconds). ``attack`` is the
    rise time; ``decay`` the time constant of the amplitude (``None``: sustained while held).
    """

    bright: tuple[float, ...]
    mellow: tuple[float, ...]
    attack: float
    decay: float | None
    brighten: float = 0.3
    detune_cents: float = 0.0  # a second, detuned copy (ensembles, pads)


def _saw(n: int, tilt: float = 1.0) -> tuple[float, ...]:
    return tuple(1.0 / k**tilt for k in range(1, n + 1))


def _odd(n: int, tilt: float = 1.0) -> tuple[float, ...]:
    return tuple((1.0 if k % 2 else 0.15) / k**tilt for k in range(1, n + 1))


def _vowel(n: int) -> tuple[float, ...]:
    """Harmonic weights of an open 'ah' at a middle pitch: formants near 700, 1200, 2600 Hz."""
    f0 = 220.0
    formants = ((700, 130, 1.0), (1220, 150, 0.5), (2600, 250, 0.25))
    weights = []
    for k in range(1, n + 1):
        f = k * f0
        weights.append(sum(a * np.exp(-0.5 * ((f - c) / w) ** 2) for c, w, a in formants) + 0.02)
    return tuple(weights)


#: One voice per General MIDI family (program // 8), plus a few programs with their own.
VOICES = {
    "piano": Voice(_saw(14, 1.3), _saw(4, 2.0), 0.002, 1.2, 0.25),
    "mallet": Voice((1, 0, 0, 0.5, 0, 0, 0, 0, 0, 0.3), (1, 0, 0, 0.1), 0.002, 1.0, 0.15),
    "organ": Voice((1, 0.8, 0.6, 0.5, 0, 0.4, 0, 0.3), (1, 0.8, 0.6, 0.5, 0, 0.4), 0.01, None),
    "pluck": Voice(
        tuple(abs(np.sin(np.pi * k * 0.18)) / k for k in range(1, 20)), _saw(3, 2), 0.002, 0.8, 0.08
    ),
    "distorted": Voice(_odd(25, 0.7), _odd(15, 0.9), 0.003, 1.5, 0.5),
    "bass": Voice((1, 0.6, 0.35, 0.2, 0.1), (1, 0.3, 0.1), 0.004, 0.7, 0.15),
    "bowed": Voice(_saw(18, 1.0), _saw(12, 1.2), 0.06, None),
    "ensemble": Voice(_saw(14, 1.1), _saw(10, 1.3), 0.09, None, detune_cents=9.0),
    "choir": Voice(_vowel(16), _vowel(16), 0.05, None, detune_cents=6.0),
    "brass": Voice(_saw(16, 0.9), _saw(8, 1.4), 0.03, None, 0.15),
    "reed": Voice(_odd(16, 1.0), _odd(10, 1.2), 0.02, None),
    "flute": Voice((1, 0.25, 0.08), (1, 0.15), 0.035, None),
    "lead": Voice(_odd(20, 1.0), _odd(20, 1.0), 0.004, None),
    "pad": Voice(_saw(12, 1.2), _saw(6, 1.6), 0.35, None, detune_cents=12.0),
}
FAMILY_VOICES = (
    "piano",
    "mallet",
    "organ",
    "pluck",
    "bass",
    "bowed",
    "ensemble",
    "brass",
    "reed",
    "flute",
    "lead",
    "pad",
    "pad",
    "mallet",
    "mallet",
    "mallet",
)
PROGRAM_VOICES = {
    29: "distorted",
    30: "distorted",
    46: "pluck",
    52: "choir",
    53: "choir",
    54: "choir",
    45: "pluck",
}


def voice_of(program: int) -> Voice:
    """The voice that plays General MIDI ``program``."""
    return VOICES[PROGRAM_VOICES.get(program, FAMILY_VOICES[program // 8])]


@functools.lru_cache(maxsize=2048)
def _tables(weights: tuple[float, ...], f0: float, sample_rate: int) -> np.ndarray:
    """One period with the harmonics of ``weights`` that stay below 0.45 of the sample rate."""
    phase = np.arange(TABLE) / TABLE * 2 * np.pi
    table = np.zeros(TABLE)
    for k, w in enumerate(weights, start=1):
        if w and k * f0 < 0.45 * sample_rate:
            table += w * np.sin(k * phase)
    return table / (np.abs(table).max() + 1e-12)


def _tone(
    voice: Voice, pitch: int, seconds: float, sample_rate: int, vibrato: bool, detune: float = 0.0
) -> np.ndarray:
    """A note of ``voice`` held for ``seconds`` (then released), at unit peak level."""
    f0 = 440.0 * 2 ** ((pitch - 69 + detune / 100) / 12)
    n = int((seconds + RELEASE) * sample_rate)
    t = np.arange(n) / sample_rate
    cents = np.zeros(n)
    if vibrato:
        wobble = t - VIBRATO_DELAY
        depth = VIBRATO_CENTS * np.clip(wobble / 0.2, 0.0, 1.0)
        cents = np.where(wobble > 0, depth * np.sin(2 * np.pi * VIBRATO_HZ * wobble), 0.0)
    phase = np.cumsum(f0 * 2 ** (cents / 1200)) / sample_rate
    index = (phase * TABLE).astype(np.int64) % TABLE
    bright = _tables(voice.bright, round(f0, 3), sample_rate)[index]
    mellow = _tables(voice.mellow, round(f0, 3), sample_rate)[index]
    mix = np.exp(-t / voice.brighten)
    audio = mix * bright + (1 - mix) * mellow
    envelope = np.minimum(1.0, t / voice.attack) ** 2  # a slow swell has no sharp onset
    if voice.decay is not None:
        envelope = envelope * np.exp(-t / (voice.decay * (60.0 / max(pitch, 30)) ** 0.5))
    held = int(seconds * sample_rate)
    envelope[held:] *= np.linspace(1.0, 0.0, n - held)
    return (audio * envelope).astype(np.float32)


def _noise(n: int, seed: tuple[int, ...]) -> np.ndarray:
    return np.random.default_rng(list(seed)).standard_normal(n)


@functools.lru_cache(maxsize=64)
def _highpass(cutoff: float, sample_rate: int):
    return sps.butter(2, cutoff, "highpass", fs=sample_rate, output="sos")


@functools.lru_cache(maxsize=64)
def _bandpass(low: float, high: float, sample_rate: int):
    return sps.butter(2, (low, high), "bandpass", fs=sample_rate, output="sos")


def _drum(key: int, sample_rate: int, seed: int) -> np.ndarray:
    """One hit of General MIDI percussion ``key``, at unit peak level."""

    def decaying(seconds: float, tau: float) -> tuple[np.ndarray, np.ndarray]:
        t = np.arange(int(seconds * sample_rate)) / sample_rate
        return t, np.exp(-t / tau)

    def sweep(t, start, end, tau):
        f = end + (start - end) * np.exp(-t / tau)
        return np.sin(2 * np.pi * np.cumsum(f) / sample_rate)

    if key in (35, 36):  # kick
        t, env = decaying(0.5, 0.18)
        out = sweep(t, 160.0, 48.0, 0.03) * env
        out[: int(0.002 * sample_rate)] += 0.5
    elif key in (38, 40):  # snare: tone plus band of noise
        t, env = decaying(0.35, 0.09)
        noise = sps.sosfilt(_bandpass(1500.0, 7000.0, sample_rate), _noise(len(t), (key, seed)))
        out = 0.5 * np.sin(2 * np.pi * 185 * t) * np.exp(-t / 0.05) + 2.0 * noise * env
    elif key == 39:  # clap: three quick bursts, then a tail
        t, env = decaying(0.3, 0.07)
        bursts = np.clip(1.0 - ((t * 1000) % 11) / 6, 0, 1) * (t < 0.033)
        noise = sps.sosfilt(_bandpass(900.0, 5000.0, sample_rate), _noise(len(t), (key, seed)))
        out = noise * np.maximum(bursts, env * (t >= 0.033))
    elif key in (42, 44, 46, 54, 82):  # hi-hats, tambourine, shaker
        tau = {42: 0.035, 44: 0.05, 46: 0.3, 54: 0.12, 82: 0.06}[key]
        t, env = decaying(min(1.0, 6 * tau), tau)
        noise = sps.sosfilt(_highpass(7000.0, sample_rate), _noise(len(t), (key, seed)))
        out = noise * env
    elif key in (49, 51, 52, 55, 57, 59):  # cymbals
        tau = 0.5 if key in (51, 59) else 1.0
        t, env = decaying(2.0, tau)
        noise = sps.sosfilt(_highpass(4500.0, sample_rate), _noise(len(t), (key, seed)))
        bell = sum(np.sin(2 * np.pi * f * t) for f in (3150, 4270, 5530)) / 3
        out = (noise + 0.3 * bell) * env
    elif key == 53:  # ride bell
        t, env = decaying(1.0, 0.4)
        out = sum(np.sin(2 * np.pi * f * t) for f in (2200, 3350, 5120)) / 3 * env
    elif key in (41, 43, 45, 47, 48, 50):  # toms: lower keys, lower pitch
        t, env = decaying(0.6, 0.2)
        f = 80.0 * 2 ** ((key - 41) / 7)
        out = sweep(t, 1.6 * f, f, 0.04) * env
    elif key in (37, 75, 56, 76, 77):  # side stick, claves, cowbell, wood blocks: short tones
        f = {37: 1800.0, 75: 2500.0, 56: 560.0, 76: 1100.0, 77: 800.0}[key]
        t, env = decaying(0.25, 0.03 if key != 56 else 0.08)
        out = (np.sin(2 * np.pi * f * t) + 0.5 * np.sin(2 * np.pi * 1.48 * f * t)) * env
    else:  # anything else: a short click of noise
        t, env = decaying(0.1, 0.02)
        out = _noise(len(t), (key, seed)) * env
    return (out / (np.abs(out).max() + 1e-12)).astype(np.float32)


def note_audio(
    program: int,
    pitch: int,
    seconds: float,
    is_drum: bool,
    sample_rate: int,
    vibrato: bool = False,
    seed: int = 0,
) -> np.ndarray:
    """One note (or drum hit) at unit peak, without its velocity."""
    if is_drum:
        return _drum(pitch, sample_rate, seed)
    voice = voice_of(program)
    audio = _tone(voice, pitch, seconds, sample_rate, vibrato)
    if voice.detune_cents:
        audio = 0.5 * (
            audio + _tone(voice, pitch, seconds, sample_rate, vibrato, voice.detune_cents)
        )
    return audio


@functools.lru_cache(maxsize=4096)
def attack_delay(program: int, pitch: int, is_drum: bool, sample_rate: int = 22050) -> float:
    """Seconds from note-on until a note of this source is perceived (see
    :func:`common.data.synthetic.render.perceived_delay`)."""
    return perceived_delay(note_audio(program, pitch, 0.3, is_drum, sample_rate), sample_rate)


def render_stem(
    notes: list[TimedNote], parts: list[Part], n_samples: int, sample_rate: int
) -> np.ndarray:
    """Render the notes of one stem with the course's own instruments (same contract as
    :func:`common.data.synthetic.render.render_stem`)."""
    out = np.zeros(n_samples, dtype=np.float32)
    by_name = {p.name: p for p in parts}
    for note in notes:
        start = int(round(note.onset * sample_rate))
        if start >= n_samples:
            continue
        part = by_name[note.part]
        audio = note_audio(
            part.program,
            note.pitch,
            max(note.offset - note.onset, 0.02),
            part.is_drum,
            sample_rate,
            vibrato=part.vibrato,
            seed=start,
        )
        gain = 0.3 * (note.velocity / 127.0) ** 1.5
        stop = min(n_samples, start + len(audio))
        out[start:stop] += gain * audio[: stop - start]
    return out
