"""Onsets, beats, downbeats and tempo: everything around the networks of Part 3.

* :mod:`.novelty`: spectral flux and SuperFlux.
* :mod:`.peaks`: peak picking, threshold choice on validation, scoring on test.
* :mod:`.tempo`: tempo from autocorrelation or from a tempo distribution.
* :mod:`.dbn`: a bar-pointer dynamic Bayesian network for beats and downbeats.
* :mod:`.baselines`: librosa's onset, beat and tempo estimators.
* :mod:`.metrics`: onset, beat and tempo scores (mir_eval).

Taught in Part 3.
"""
