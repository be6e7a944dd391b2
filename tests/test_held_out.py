"""The held-out set: music the corpus never renders, and the course's own instruments."""

from __future__ import annotations

import numpy as np
import pytest

from common.data import load_held_out
from common.data.synthetic import PRESETS, STYLES, synth
from common.data.synthetic.generator import HELD_OUT_GROUPS, MusicJob, plan
from common.data.synthetic.score import Timeline
from common.data.synthetic.song import render_version
from common.data.synthetic.styles import HELD_OUT_STYLES

pytestmark = pytest.mark.backend_free  # the same on every backend

SR = 22050


def test_the_plan_shares_nothing_with_the_corpus():
    held_out = plan(PRESETS["ood"], 0)
    corpus = [j for j in plan(PRESETS["workshop"], 0) if isinstance(j, MusicJob)]
    assert len(held_out) == PRESETS["ood"].n_music == 40
    assert {j.split for j in held_out} == {"test"}
    assert not {j.spec.work.work_id for j in held_out} & {j.spec.work.work_id for j in corpus}
    assert not set(HELD_OUT_STYLES) & set(STYLES)
    by_style = {j.spec.style: j.spec.instruments for j in held_out}
    # New styles on the corpus's SoundFont; the corpus's styles on the course's synthesiser.
    assert by_style == {
        **dict.fromkeys(HELD_OUT_STYLES, "soundfont"),
        **dict.fromkeys(STYLES, "synth"),
    }
    assert {j.spec.instruments for j in corpus} == {"soundfont"}


def test_held_out_groups(held_out_corpus):
    groups = load_held_out("tiny")
    assert tuple(groups) == HELD_OUT_GROUPS
    assert {t.genre for t in groups["ood-styles"]} == set(HELD_OUT_STYLES)
    assert {t.genre for t in groups["ood-timbres"]} == set(STYLES)
    for track in groups["ood-styles"]:  # no drums in the new styles
        assert "drums" not in track.instruments
        assert not np.any(track.stem("drums"))


def test_fermatas_and_ritardandi_lengthen_exactly_their_beats():
    stretch = np.ones(17)
    stretch[7] = 2.5  # a fermata on the last beat of bar 2 in 4/4
    plain = Timeline(90.0, 16)
    held = Timeline(90.0, 16, stretch=stretch)
    np.testing.assert_allclose(np.diff(held.beat_times)[7], 2.5 * 60 / 90)
    np.testing.assert_allclose(held.beat_times[:8], plain.beat_times[:8])
    np.testing.assert_allclose(
        held.beat_times[8:] - held.beat_times[8], plain.beat_times[8:] - plain.beat_times[8]
    )


def test_a_hymn_breathes_at_its_phrase_ends():
    spec = next(j.spec for j in plan(PRESETS["ood"], 0) if j.spec.style == "hymn")
    spec = type(spec)(**{**spec.__dict__, "duration": 30.0, "start_bar": 0.0})
    intervals = np.diff(render_version(spec, SR).beat_times)
    # A fermata every phrase: some beats last well over the median, as no corpus style does.
    assert intervals.max() > 1.6 * np.median(intervals)


def test_synth_notes_are_deterministic_and_at_their_pitch():
    for program in (0, 11, 16, 24, 29, 33, 40, 48, 53, 56, 65, 73, 81):
        a = synth.note_audio(program, 57, 0.5, False, SR)
        b = synth.note_audio(program, 57, 0.5, False, SR)
        assert np.array_equal(a, b) and np.isfinite(a).all()
        spectrum = np.abs(np.fft.rfft(a[: SR // 2] * np.hanning(SR // 2)))
        freqs = np.fft.rfftfreq(SR // 2, 1 / SR)
        # Energy at the fundamental (220 Hz) and no stronger partial below it.
        assert spectrum[freqs < 200].max() < spectrum[np.abs(freqs - 220) < 5].max(), program
    for key in (36, 38, 39, 42, 46, 49, 51, 53, 45, 37, 56):
        hit = synth.note_audio(0, key, 0.1, True, SR, seed=3)
        assert np.isfinite(hit).all() and np.abs(hit).max() == pytest.approx(1.0, abs=1e-6)


def test_synth_attack_times_order_the_voices():
    """Struck and plucked voices speak at once; bowed voices within tens of milliseconds;
    pads swell past the 100 ms after which a note gets no onset label."""
    assert synth.attack_delay(0, 60, False) < 0.01  # piano
    assert synth.attack_delay(-1, 38, True) < 0.01  # snare
    assert 0.02 < synth.attack_delay(40, 60, False) < 0.1  # violin
    assert synth.attack_delay(89, 60, False) > 0.1  # pad
