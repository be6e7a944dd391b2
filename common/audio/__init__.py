"""Audio in and out, and the hand-crafted features every model reads.

* :mod:`.io`: load, resample, check and write audio, with errors that say what to do.
* :mod:`.features`: STFT, log-mel, CQT, HCQT, chroma, MFCC and the onset spectrogram, all
  time first.
* :mod:`.sonify`: notebook players, and clicks mixed onto the music.

Taught in Part 0 (notebook 01).
"""
