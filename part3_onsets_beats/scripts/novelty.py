"""Onsets the classic way: a novelty function, then peak picking.

Part 3, example ``novelty``. No learning: the spectral flux sums, over mel bands, how much each
band's log magnitude grew since the previous frame; SuperFlux compares each band with the
maximum of its neighbours two frames earlier, so vibrato and slow glides stop looking like new
notes. An adaptive peak picker turns either into onset times; its threshold is chosen on the
validation split. Scored with ``mir_eval.onset`` (F-measure, precision, recall) with tolerance
windows of 25, 50 (the standard) and 100 ms, to show how much the window moves the score.
Baseline in the same run: ``librosa.onset.onset_detect``, its ``delta`` also chosen on
validation. Everything is scored on the test split and, at the standard window, on each group
of the course's held-out music.

    python part3_onsets_beats/scripts/novelty.py --size tiny
"""

from __future__ import annotations

from common.cli import parse_args, run, script_parser

WINDOWS = (0.025, 0.05, 0.1)  # seconds


def metric_name(metric: str, window: float) -> str:
    """``f-measure`` at the standard 50 ms window, ``f-measure (25 ms)`` at others."""
    name = metric.replace("_", "-")
    return name if window == 0.05 else f"{name} ({window * 1000:.0f} ms)"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(script_parser(__doc__, part=3, example="novelty"), argv)

    from common.audio.features import ONSET_FRAME_RATE
    from common.audio.sonify import with_clicks
    from common.data.cache import FeatureCache
    from common.experiment import Experiment
    from common.nn.tensorboard import log_audio, log_figure
    from common.nn.training import Stopwatch
    from common.tasks.rhythm.baselines import librosa_onset_detection, librosa_onset_scores
    from common.tasks.rhythm.novelty import normalise_novelty, spectral_flux, superflux
    from common.tasks.rhythm.peaks import choose_threshold, peak_settings, pick_peaks, score_events
    from common.viz.figures import new_figure
    from common.viz.plots import plot_activation

    experiment = Experiment(args)
    splits = experiment.splits(kind="music", require="onsets")
    spectrogram = FeatureCache("onset_spectrogram")
    # Scored on the test split and on each held-out group, which nothing is tuned on.
    held_out = experiment.held_out(require="onsets")
    clips = {**splits, **held_out}
    references = {s: [t.onsets for t in tracks] for s, tracks in clips.items()}
    detectors = {
        "spectral flux": lambda t: normalise_novelty(spectral_flux(spectrogram(t)[..., 1])),
        "superflux": lambda t: superflux(spectrogram(t)),
    }
    settings = peak_settings("novelty", "offline")
    chosen = {}
    for name, detector in detectors.items():
        with Stopwatch() as watch:
            novelty = {s: [detector(t) for t in clips[s]] for s in ("valid", "test", *held_out)}
            threshold, valid_f = choose_threshold(
                references["valid"], novelty["valid"], ONSET_FRAME_RATE, **settings
            )
        chosen[name] = (threshold, novelty["test"])
        print(f"{name}: threshold {threshold:.2f}, validation F-measure {valid_f:.3f}")
        for window in WINDOWS:
            scores = score_events(
                references["test"],
                novelty["test"],
                ONSET_FRAME_RATE,
                threshold,
                window=window,
                **settings,
            )
            for metric, value in scores.items():
                if window == 0.05 or metric == "f_measure":
                    experiment.record(
                        name, "model", metric_name(metric, window), value, watch.seconds
                    )
        for group in held_out:
            scores = score_events(
                references[group], novelty[group], ONSET_FRAME_RATE, threshold, **settings
            )
            for metric, value in scores.items():
                experiment.record(
                    name, "model", metric.replace("_", "-"), value, watch.seconds, split=group
                )

    with Stopwatch() as watch:
        delta, by_window = librosa_onset_detection(splits, WINDOWS)
    print(f"librosa onset_detect: delta {delta} (chosen on validation)")
    for window, scores in by_window.items():
        for metric, value in scores.items():
            if window == 0.05 or metric == "f_measure":
                experiment.record(
                    "librosa onset_detect",
                    "baseline",
                    metric_name(metric, window),
                    value,
                    watch.seconds,
                )
    for group, tracks in held_out.items():
        for metric, value in librosa_onset_scores(tracks, delta)[0.05].items():
            experiment.record(
                "librosa onset_detect",
                "baseline",
                metric.replace("_", "-"),
                value,
                watch.seconds,
                split=group,
            )

    # A novelty function under the annotation, and what its onsets sound like.
    track = splits["test"][0]
    threshold, curves = chosen["superflux"]
    detected = pick_peaks(curves[0], ONSET_FRAME_RATE, threshold, **settings)
    fig, axes = new_figure(2, 1, figsize=(9, 4.4))
    plot_activation(
        axes[0, 0],
        chosen["spectral flux"][1][0],
        ONSET_FRAME_RATE,
        track.onsets,
        label="spectral flux",
    )
    plot_activation(
        axes[1, 0],
        curves[0],
        ONSET_FRAME_RATE,
        track.onsets,
        detected,
        threshold,
        label="superflux",
    )
    for ax in axes[:, 0]:
        ax.legend(loc="upper right", fontsize=7, ncol=3)
    log_dir = experiment.run_dir()
    log_figure(log_dir, f"novelty functions of {track.track_id}", fig)
    log_audio(
        log_dir,
        [with_clicks(track.audio(), detected)],
        [f"{track.track_id} with superflux onsets"],
        seconds=10.0,
    )
    print(f"{len(detected)} onsets detected in {track.track_id}, {len(track.onsets)} annotated")
    return experiment.finish()


if __name__ == "__main__":
    run(main)
