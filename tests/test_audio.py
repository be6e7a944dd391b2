"""Audio input, its error messages, and the features against librosa."""

from __future__ import annotations

import librosa
import numpy as np
import pytest
import soundfile

from common.audio.features import (
    chroma,
    compute_feature,
    cqt,
    frame_times,
    hcqt,
    logmel,
    mfcc,
    mfcc_statistics,
    time_to_frames,
)
from common.audio.io import (
    DEFAULT_SAMPLE_RATE,
    AudioError,
    audio_info,
    check_audio,
    load_audio,
    write_audio,
)

SR = DEFAULT_SAMPLE_RATE

pytestmark = pytest.mark.backend_free  # the same on every backend


def tone(seconds=1.0, freq=440.0, sr=SR):
    t = np.arange(int(seconds * sr)) / sr
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_load_mixes_channels_and_resamples(tmp_path):
    left, right = tone(1.0, 440, 44100), tone(1.0, 660, 44100)
    path = tmp_path / "stereo.wav"
    soundfile.write(path, np.stack([left, right], axis=1), 44100)
    signal = load_audio(path, sample_rate=SR)
    assert signal.dtype == np.float32 and signal.ndim == 1
    assert abs(len(signal) - SR) <= 1
    native = load_audio(path, sample_rate=None)
    np.testing.assert_allclose(native, (left + right) / 2, atol=1e-4)
    assert audio_info(path) == (44100, 1.0)


def test_load_excerpt(tmp_path):
    path = tmp_path / "ramp.wav"
    ramp = np.linspace(-1, 1, SR * 2, dtype=np.float32)
    soundfile.write(path, ramp, SR, subtype="FLOAT")
    part = load_audio(path, offset=0.5, duration=0.25)
    np.testing.assert_allclose(part, ramp[SR // 2 : SR // 2 + SR // 4], atol=1e-6)


def test_missing_file_names_the_fix(tmp_path):
    with pytest.raises(AudioError, match="No audio file"):
        load_audio(tmp_path / "nothing.flac")
    corpus = tmp_path / "corpus-tiny"
    (corpus / "audio").mkdir(parents=True)
    (corpus / "corpus.json").write_text('{"preset": "tiny"}')
    with pytest.raises(AudioError, match=rf"--preset tiny --out {corpus} --verify"):
        load_audio(corpus / "audio" / "x.flac")


def test_corrupt_file(tmp_path):
    path = tmp_path / "broken.flac"
    path.write_bytes(b"fLaC this is not really a flac file" * 10)
    with pytest.raises(AudioError, match="Could not decode"):
        load_audio(path)
    with pytest.raises(AudioError, match="Could not decode"):
        audio_info(path)


def test_empty_and_too_short(tmp_path):
    empty = tmp_path / "empty.wav"
    soundfile.write(empty, np.zeros(0, dtype=np.float32), SR)
    with pytest.raises(AudioError, match="no audio samples"):
        load_audio(empty)
    short = tmp_path / "short.wav"
    soundfile.write(short, tone(0.2), SR)
    with pytest.raises(AudioError, match="at least 1.00 s"):
        load_audio(short, min_duration=1.0)
    with pytest.raises(AudioError, match="cannot start reading"):
        load_audio(short, offset=5.0)


def test_nan_or_infinite_audio_names_the_file(tmp_path):
    signal = tone(1.0)
    signal[SR // 2] = np.nan
    signal[SR // 2 + 10] = np.inf
    broken = tmp_path / "broken.wav"
    soundfile.write(broken, signal, SR, subtype="FLOAT")  # a float WAV can store NaN
    with pytest.raises(AudioError, match=r"broken\.wav holds 2 samples that are NaN or infinite"):
        load_audio(broken)
    with pytest.raises(AudioError, match="the first at 0.50 s"):
        load_audio(broken, sample_rate=None)
    assert np.isfinite(load_audio(broken, duration=0.4)).all()  # the excerpt before is fine


def test_wrong_rate_and_bad_signals():
    with pytest.raises(AudioError, match="44100 Hz but 22050 Hz"):
        check_audio(tone(), 44100, expected_rate=SR)
    with pytest.raises(AudioError, match="mono"):
        check_audio(np.zeros((2, 100)), SR)
    with pytest.raises(AudioError, match="NaN"):
        check_audio(np.array([0.0, np.nan]), SR)
    with pytest.raises(ValueError, match="Unknown feature"):
        compute_feature("wavelets", tone())


def test_write_audio_refuses_to_clip(tmp_path):
    with pytest.raises(AudioError, match="clip"):
        write_audio(tmp_path / "loud.flac", tone() * 3, SR)
    path = write_audio(tmp_path / "ok.flac", tone(), SR)
    assert not list(tmp_path.glob(".*tmp*")), "temporary files left behind"
    np.testing.assert_allclose(load_audio(path), tone(), atol=1 / 32768)


def test_logmel_matches_librosa_reference():
    y = tone(2.0) + 0.01 * np.random.default_rng(0).standard_normal(2 * SR).astype(np.float32)
    ours = logmel(y, n_fft=1024, hop_length=512, n_mels=64)
    ref = librosa.power_to_db(
        librosa.feature.melspectrogram(
            y=y,
            sr=SR,
            n_fft=1024,
            hop_length=512,
            n_mels=64,
            htk=True,
            norm=None,
            pad_mode="reflect",
        ),
        ref=1.0,
        amin=1e-10,
        top_db=None,
    ).T
    assert ours.shape == (1 + len(y) // 512, 64)
    np.testing.assert_allclose(ours, ref, atol=1e-3)
    # The 440 Hz tone lands in the mel band whose centre is nearest 440 Hz.
    centres = librosa.mel_frequencies(n_mels=66, fmin=0, fmax=SR / 2, htk=True)[1:-1]
    assert abs(centres[ours.mean(0).argmax()] - 440) < 60


def test_cqt_puts_a_tone_on_its_semitone():
    a4 = cqt(tone(1.0, 440.0))
    assert a4.shape[1] == 84
    assert a4.mean(0).argmax() == 69 - 24  # MIDI 69 (A4), bins start at MIDI 24 (C1)


def test_hcqt_channels_are_harmonics():
    y = tone(1.0, 220.0)
    h = hcqt(y, harmonics=(1, 2, 3), bins_per_semitone=1, n_octaves=5)
    assert h.shape[1:] == (60, 3)
    # Channel 0 starts at fmin, channel 1 an octave higher: the tone (MIDI 57) moves 12 bins.
    assert h[..., 0].mean(0).argmax() == 57 - 24
    assert h[..., 1].mean(0).argmax() == 57 - 24 - 12
    with pytest.raises(ValueError, match="Nyquist"):
        hcqt(y, harmonics=(1, 8), n_octaves=7)


def test_chroma_mfcc_and_statistics_shapes():
    y = tone(1.0, 261.63)  # C4
    pitch_classes = chroma(y)
    assert pitch_classes.shape[1] == 12 and pitch_classes.mean(0).argmax() == 0
    coefficients = mfcc(y, n_mfcc=13)
    ref = librosa.feature.mfcc(y=y, sr=SR, n_mfcc=13, n_fft=2048, hop_length=512, n_mels=128).T
    np.testing.assert_allclose(coefficients, ref, rtol=1e-5, atol=1e-3)
    stats = mfcc_statistics(y, n_mfcc=13)
    assert stats.shape == (52,)
    np.testing.assert_allclose(stats[:13], ref.mean(0), rtol=1e-4, atol=1e-3)


def test_frame_time_round_trip():
    times = frame_times(100, SR, 512)
    assert np.array_equal(time_to_frames(times, SR, 512), np.arange(100))
