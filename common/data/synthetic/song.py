"""One version of a work, from arrangement to stems, mix and labels.

:func:`render_version` is a pure function of its :class:`VersionSpec`: same spec, same bytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from common.data.synthetic import render, synth, theory
from common.data.synthetic.production import Production
from common.data.synthetic.score import STEMS, TimedNote, Timeline, merge_onsets, perform
from common.data.synthetic.styles import PROGRAM_FAMILY, Arrangement, style_named
from common.data.synthetic.works import Work

#: Level of each stem relative to the others, in dB of RMS over its active part (each version
#: moves every stem by up to 4 dB from here).
STEM_BALANCE_DB = {"drums": 0.0, "bass": -1.5, "vocals": 1.0, "other": -2.0}
#: Mix loudness (RMS dBFS) at the softest and loudest dynamic levels of a version.
LOUDNESS_RANGE_DB = (-27.0, -15.0)
PEAK_LIMIT = 0.98
MAX_ATTACK = 0.1  # seconds; slower attacks have no onset label


@dataclass(frozen=True)
class VersionSpec:
    """Everything that decides how one clip of a work sounds."""

    track_id: str
    work: Work
    style: str
    tempo: float  # BPM
    tonic: int  # pitch class of the key
    vocal: bool  # whether this version has a singer
    loudness: float  # dynamic level, 0.45 (soft) .. 1.0 (loud)
    seed: int  # arrangement choices and human deviations
    duration: float  # length of the clip, seconds
    start_bar: float  # where the clip starts in the song, in bars (fractional: mid-bar starts)
    intro_bars: int
    instruments: str = "soundfont"  # the source of instrument sounds: a key of SOURCES


#: Sources of instrument sounds: how a stem is rendered, and how late each note is heard.
#: The corpus is played by the SoundFont; the held-out set also by the course's own synthesiser.
SOURCES = {
    "soundfont": (render.render_stem, render.attack_delay),
    "synth": (synth.render_stem, synth.attack_delay),
}


@dataclass
class RenderedVersion:
    stems: dict[str, np.ndarray]  # int16, summing exactly to `mix`
    mix: np.ndarray  # int16
    beat_times: np.ndarray
    beat_positions: np.ndarray  # 1 = downbeat
    onset_times: np.ndarray
    notes: list[TimedNote]  # relative to the clip; notes sounding at the start have onset 0
    chords: list[tuple[float, float, str]]
    tempo: float
    key: str
    meter: str
    instruments: list[str]
    vocal: bool
    loudness_db: float
    onset_density: float  # merged onsets per second


def _active_rms(signal: np.ndarray, sample_rate: int) -> float:
    """RMS over the 50 ms blocks where the signal is not silent (0.0 for silence)."""
    block = sample_rate // 20
    n = len(signal) // block
    if n == 0:
        return 0.0
    energy = (signal[: n * block].reshape(n, block) ** 2).mean(axis=1)
    active = energy > 1e-7
    return float(np.sqrt(energy[active].mean())) if active.any() else 0.0


def render_version(spec: VersionSpec, sample_rate: int) -> RenderedVersion:
    """Arrange, perform and render one version; return its audio and labels."""
    rng = np.random.default_rng(spec.seed)
    style = style_named(spec.style)
    render_stem, attack_delay = SOURCES[spec.instruments]
    meter = spec.work.meter
    seconds_needed = (spec.start_bar * meter + 2) * 60.0 / spec.tempo + spec.duration + 1.0
    n_bars = math.ceil(seconds_needed * spec.tempo / 60.0 * (1 + style.rubato) / meter) + 1

    arrangement = Arrangement(
        work=spec.work,
        tonic=spec.tonic,
        n_bars=n_bars,
        intro_bars=spec.intro_bars,
        vocal=spec.vocal,
        loudness=spec.loudness,
        rng=rng,
        sevenths=style.sevenths,
    )
    style.arrange(arrangement)
    timeline = Timeline(
        spec.tempo, n_bars * meter, style.swing, style.rubato, rng, arrangement.stretch
    )
    notes = perform(arrangement.parts, timeline, rng)

    start = timeline.time(spec.start_bar * meter)
    first = int(round(start * sample_rate))
    n_samples = int(round(spec.duration * sample_rate))
    end = first + n_samples

    # --- audio: stems through one recording chain, balanced, then scaled to the loudness ---
    production_rng = np.random.default_rng([spec.seed, 1])
    production = Production.random(production_rng)
    floats = {}
    for stem in STEMS:
        stem_notes = [n for n in notes if n.stem == stem]
        parts = [p for p in arrangement.parts if p.stem == stem]
        audio = render_stem(stem_notes, parts, end, sample_rate)
        audio = production.apply(audio, sample_rate, seed=spec.seed)[first:end]
        rms = _active_rms(audio, sample_rate)
        balance_db = STEM_BALANCE_DB[stem] + production_rng.uniform(-4.0, 4.0)  # the mix engineer
        floats[stem] = audio * (10 ** (balance_db / 20) * 0.1 / rms) if rms > 0 else audio
    mix = sum(floats.values())
    target_db = np.interp(spec.loudness, (0.45, 1.0), LOUDNESS_RANGE_DB)
    gain = 10 ** (target_db / 20) / max(float(np.sqrt(np.mean(mix**2))), 1e-9)
    # Limit the peak of the mix and of every stem: stems can partly cancel, so one stem may
    # peak above the mix, and it must fit in 16 bits too.
    peak = max(float(np.abs(a).max()) for a in (mix, *floats.values()))
    gain = min(gain, PEAK_LIMIT / max(peak, 1e-9))
    stems = {s: np.round(a * gain * 32767).astype(np.int16) for s, a in floats.items()}
    total = sum(s.astype(np.int32) for s in stems.values())
    mix16 = np.clip(total, -32768, 32767).astype(np.int16)
    assert np.array_equal(mix16, total), "stems overflowed the mix"  # guarded by PEAK_LIMIT

    # --- labels, relative to the clip ---------------------------------------------------------
    clip_end = n_samples / sample_rate
    beat_times, beat_positions = [], []
    for k, t in enumerate(timeline.beat_times):
        if 0.0 <= t - start < clip_end:
            beat_times.append(t - start)
            beat_positions.append(k % meter + 1)
    clip_notes = []
    for n in notes:
        if n.onset < start + clip_end and n.offset > start:
            clip_notes.append(
                TimedNote(
                    max(0.0, n.onset - start),
                    min(clip_end, n.offset - start),
                    n.pitch,
                    n.velocity,
                    n.program,
                    n.stem,
                    n.part,
                )
            )
    # Onset labels mark when a note is heard: note-on plus the attack time of the instrument.
    # Swells slower than MAX_ATTACK (pads, choirs) have no perceivable onset and are left out.
    perceived = []
    for n in notes:
        delay = attack_delay(max(n.program, 0), n.pitch, n.program < 0, sample_rate)
        if delay <= MAX_ATTACK and start <= n.onset + delay < start + clip_end:
            perceived.append(n.onset + delay - start)
    onsets = merge_onsets(perceived)

    chords = []
    for bar, label in enumerate(arrangement.chord_labels()):
        t0 = timeline.time(bar * meter) - start
        t1 = timeline.time((bar + 1) * meter) - start
        t0, t1 = max(t0, 0.0), min(t1, clip_end)
        if t1 <= t0:
            continue
        if chords and chords[-1][2] == label and abs(chords[-1][1] - t0) < 1e-9:
            chords[-1] = (chords[-1][0], t1, label)
        else:
            chords.append((t0, t1, label))

    sounding = {n.part for n in clip_notes}
    instruments = set()
    for part in arrangement.parts:
        if part.name in sounding:
            instruments.add("drums" if part.is_drum else PROGRAM_FAMILY[part.program])
    sung = sum(n.offset - n.onset for n in clip_notes if n.stem == "vocals")
    mix_float = mix16.astype(np.float64) / 32768
    return RenderedVersion(
        stems=stems,
        mix=mix16,
        beat_times=np.asarray(beat_times),
        beat_positions=np.asarray(beat_positions, dtype=int),
        onset_times=onsets,
        notes=clip_notes,
        chords=chords,
        tempo=round(timeline.local_tempo(), 2),
        key=theory.key_label(spec.tonic, spec.work.mode),
        meter=f"{meter}/4",
        instruments=sorted(instruments),
        vocal=sung >= 1.0,
        loudness_db=float(10 * np.log10(np.mean(mix_float**2) + 1e-12)),
        onset_density=len(onsets) / clip_end,
    )
