"""Rhythm features and novelty functions: where does something new start?

Onset, beat and tempo models of Part 3 all read one input, :func:`onset_spectrogram`: log
magnitudes on 80 mel bands at 100 frames per second, computed with three window lengths (1024,
2048 and 4096 samples: 46, 93 and 186 ms at 22050 Hz) stacked as channels. Short windows locate
attacks sharply in time; long windows separate the partials of low notes; a network gets both
(Schlüter and Böck, 2014).

The classic detectors reduce a spectrogram to one **novelty function** (one value a frame), whose
peaks are the onsets:

* :func:`spectral_flux`: the summed *increase* of energy across bands from one frame to the next
  (Masri, 1996; Dixon, 2006);
* the same with ``max_bins=3``: SuperFlux (Böck and Widmer, 2013), which compares each band
  with the *maximum* of its neighbours in the earlier frame, so a vibrato moving a partial by a
  band is not mistaken for a new note.
"""

from __future__ import annotations

import numpy as np

from common.audio import DEFAULT_SAMPLE_RATE

__all__ = [
    "HOP_LENGTH",
    "FRAME_RATE",
    "FFT_SIZES",
    "onset_spectrogram",
    "spectral_flux",
    "superflux",
    "normalise_novelty",
]

#: Hop of every Part 3 feature, in samples: 100.2 frames per second at 22050 Hz (the frame
#: rate of most onset and beat trackers, so 10 ms per frame).
HOP_LENGTH = 220
FRAME_RATE = DEFAULT_SAMPLE_RATE / HOP_LENGTH
#: Window lengths of the three channels of :func:`onset_spectrogram`, in samples.
FFT_SIZES = (1024, 2048, 4096)


def onset_spectrogram(
    signal: np.ndarray,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    hop_length: int = HOP_LENGTH,
    n_ffts: tuple[int, ...] = FFT_SIZES,
    n_mels: int = 80,
    fmin: float = 27.5,
    fmax: float = 16000.0,
) -> np.ndarray:
    """Multi-resolution log-mel magnitudes, shape ``(n_frames, n_mels, len(n_ffts))``.

    Each channel is ``log(1 + M)`` of the magnitude spectrogram of one window length (Hann,
    centred frames) through the same mel filterbank (``fmin`` to ``fmax`` Hz, capped at
    Nyquist), so bin ``k`` means the same frequency band in every channel. Frame ``i`` is centred
    on ``i * hop_length / sample_rate`` seconds. The logarithm with 1 added compresses loud
    attacks without blowing up silence, the usual choice of onset detectors.
    """
    import librosa

    fmax = min(fmax, sample_rate / 2)
    channels = []
    for n_fft in n_ffts:
        magnitude = np.abs(librosa.stft(signal, n_fft=n_fft, hop_length=hop_length, center=True))
        bank = librosa.filters.mel(
            sr=sample_rate, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=True, norm=None
        )
        channels.append(np.log1p(bank @ magnitude).T)
    n_frames = min(len(c) for c in channels)
    return np.stack([c[:n_frames] for c in channels], axis=-1).astype(np.float32)


def spectral_flux(spectrogram: np.ndarray, lag: int = 1, max_bins: int = 1) -> np.ndarray:
    """Novelty function of a log spectrogram ``(n_frames, n_bins)``: one value a frame.

    ``flux[n] = sum_k max(0, S[n, k] - max(S[n - lag, k - w : k + w + 1]))`` with
    ``w = max_bins // 2``. ``max_bins=1`` is the plain spectral flux; ``max_bins=3`` with
    ``lag=2`` is SuperFlux. The first ``lag`` frames compare with the first frame.
    """
    spectrogram = np.asarray(spectrogram, dtype=np.float32)
    if spectrogram.ndim != 2:
        raise ValueError(f"Expected (n_frames, n_bins), got {spectrogram.shape}.")
    reference = spectrogram
    if max_bins > 1:
        from scipy.ndimage import maximum_filter1d

        reference = maximum_filter1d(spectrogram, size=max_bins, axis=1, mode="nearest")
    earlier = np.concatenate([np.repeat(reference[:1], lag, axis=0), reference[:-lag]])
    return np.maximum(spectrogram - earlier, 0.0).sum(axis=1)


def normalise_novelty(novelty: np.ndarray) -> np.ndarray:
    """Scale a novelty function to ``[0, 1]`` by its maximum in the clip, so that one
    threshold serves loud and soft recordings alike."""
    novelty = np.asarray(novelty, dtype=np.float32)
    top = float(novelty.max(initial=0.0))
    return novelty / top if top > 0 else novelty


def superflux(spectrogram: np.ndarray) -> np.ndarray:
    """SuperFlux novelty of an :func:`onset_spectrogram` ``(n_frames, n_mels, channels)``: the
    93 ms channel (2048 samples), each band compared with the maximum of three neighbouring
    bands two frames (20 ms) earlier, normalised to ``[0, 1]``."""
    channel = spectrogram[..., 1] if spectrogram.ndim == 3 else spectrogram
    return normalise_novelty(spectral_flux(channel, lag=2, max_bins=3))
