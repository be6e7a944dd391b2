"""Production: the room and the recording chain that make two renditions sound different.

Every effect here is linear and time-invariant, and the same chain is applied to each stem, so
the processed stems still sum exactly to the processed mix. Filters are zero-phase and the room
keeps its direct sound at time zero, so onsets and beats stay where the labels put them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import fft as sp_fft
from scipy import signal as sps


@dataclass(frozen=True)
class Production:
    """One recording chain: a tilt EQ, an optional band limit, and a room."""

    tilt_db_per_octave: float  # spectral tilt around 1 kHz (negative: darker)
    lowpass_hz: float | None  # band limit of an older or cheaper recording, or None
    rt60: float  # reverberation time of the room, seconds
    wet: float  # level of the reverberation relative to the direct sound

    @classmethod
    def random(cls, rng: np.random.Generator, dry: bool = False) -> Production:
        return cls(
            tilt_db_per_octave=float(rng.uniform(-2.5, 1.5)),
            lowpass_hz=float(rng.uniform(4000, 9000)) if rng.random() < 0.35 else None,
            rt60=float(rng.uniform(0.2, 1.2)),
            wet=0.0 if dry else float(rng.uniform(0.05, 0.4)),
        )

    def room_response(self, sample_rate: int, seed: int) -> np.ndarray:
        """Impulse response: the direct sound, then exponentially decaying noise (unit energy)."""
        n = int(min(self.rt60, 1.5) * sample_rate)
        t = np.arange(n) / sample_rate
        tail = np.random.default_rng(seed).standard_normal(n) * np.exp(-6.9 * t / self.rt60)
        tail[: int(0.005 * sample_rate)] = 0.0  # the first reflections arrive after 5 ms
        tail /= np.sqrt(np.sum(tail**2)) + 1e-12
        response = self.wet * tail
        response[0] = 1.0
        return response

    def apply(self, audio: np.ndarray, sample_rate: int, seed: int) -> np.ndarray:
        """Process one signal (a stem); ``seed`` fixes the room's noise so stems share a room.

        The whole chain is one multiplication in the frequency domain: the tilt, the squared
        magnitude of a 4th-order Butterworth low-pass (what forward-backward filtering gives, with
        zero phase), and the spectrum of the room's impulse response.
        """
        if not np.any(audio):
            return audio
        response = self.room_response(sample_rate, seed) if self.wet > 0 else np.ones(1)
        size = sp_fft.next_fast_len(len(audio) + len(response), real=True)  # no circular wrap
        freqs = sp_fft.rfftfreq(size, 1 / sample_rate)
        gain = 10 ** (self.tilt_db_per_octave * np.log2(np.maximum(freqs, 50.0) / 1000.0) / 20)
        if self.lowpass_hz is not None:
            sos = sps.butter(4, self.lowpass_hz, fs=sample_rate, output="sos")
            gain = gain * np.abs(sps.sosfreqz(sos, worN=freqs, fs=sample_rate)[1]) ** 2
        spectrum = sp_fft.rfft(audio.astype(np.float64), size) * gain * sp_fft.rfft(response, size)
        return sp_fft.irfft(spectrum, size)[: len(audio)].astype(np.float32)
