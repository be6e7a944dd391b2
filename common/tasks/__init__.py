"""Per task: evaluation wrappers, non-deep baselines and post-processing.

* :mod:`.classification`: accuracies, ROC and PR AUC, frame F-measure, threshold choice;
  logistic-regression and SVM baselines (Parts 0 and 1).
* :mod:`.pitch`: the multi-pitch score and a harmonic-summation baseline (Part 1).
* :mod:`.rhythm`: novelty functions, peak picking, tempo, a bar-tracking DBN, librosa's
  estimators and mir_eval scores (Part 3).

Similarity (retrieval, covers), separation and generation get a module here when their parts
arrive.
"""
