"""Onsets with networks: a bidirectional RNN, a causal RNN and a CNN, against SuperFlux.

Part 3, example ``onsets``. Three networks read the multi-resolution spectrogram (80 mel bands,
windows of 46, 93 and 186 ms, 100 frames per second) and output an onset probability per frame:

* a **bidirectional GRU** (offline: each frame's answer depends on the whole clip), after Eyben
  et al. (2010) and Böck et al. (2012);
* the same recurrent network reading **forwards only** (online: no future frame is used, and
  its peak picker does not wait for one either);
* a **CNN** whose answer at a frame sees 110 ms around it (Schlüter and Böck, 2014), written fully
  convolutional so a whole clip is one forward pass.

Targets are the annotated onsets, widened to the neighbouring frames at 0.5. Each network's
peak-picking threshold is chosen on the validation split. Scored with ``mir_eval.onset`` (50 ms
window). Baselines in the same run, on the same test clips: SuperFlux with its threshold chosen on
validation, and ``librosa.onset.onset_detect`` with its ``delta`` chosen on validation. Every
detector is also scored, unchanged, on the course's held-out music (splits ``ood-styles``: hymns
and solo piano, and ``ood-timbres``: the corpus's styles on other instruments).

    python part3_onsets_beats/scripts/onsets.py --size tiny --backend torch
"""

from __future__ import annotations

from common.cli import parse_args, run, script_parser

EPOCHS = {"tiny": 2, "workshop": 40, "full": 60}
CROP_SECONDS = 3.0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(script_parser(__doc__, part=3, example="onsets"), argv)

    from common.audio.features import ONSET_FRAME_RATE
    from common.audio.sonify import with_clicks
    from common.data.cache import FeatureCache
    from common.data.samplers import CropDataset
    from common.data.targets import onset_targets, per_track
    from common.experiment import Experiment
    from common.models.temporal import onset_cnn, onset_rnn
    from common.nn.predict import predict_clips
    from common.nn.tensorboard import log_audio, log_figure
    from common.nn.training import Stopwatch, fit, set_seed
    from common.tasks.rhythm.baselines import librosa_onset_detection, librosa_onset_scores
    from common.tasks.rhythm.novelty import superflux
    from common.tasks.rhythm.peaks import choose_threshold, peak_settings, pick_peaks, score_events
    from common.viz.figures import new_figure
    from common.viz.plots import plot_activation

    experiment = Experiment(args)
    splits = experiment.splits(kind="music", require="onsets")
    spectrogram = FeatureCache("onset_spectrogram")
    targets = per_track(onset_targets(spectrogram))
    # Scored on the test split and on each group of the course's held-out music, which nothing
    # is trained or tuned on.
    held_out = experiment.held_out(require="onsets")
    evaluated = {"test": splits["test"], **held_out}
    clips = {"valid": splits["valid"], **evaluated}
    references = {s: [t.onsets for t in tracks] for s, tracks in clips.items()}
    epochs = EPOCHS[args.size] if args.epochs is None else args.epochs
    crop = int(CROP_SECONDS * ONSET_FRAME_RATE)

    def report(name, role, curves, kind, mode, seconds):
        """Choose the threshold on validation, score the test split and the held-out groups,
        record; returns the threshold."""
        settings = peak_settings(kind, mode)
        threshold, valid_f = choose_threshold(
            references["valid"], curves["valid"], ONSET_FRAME_RATE, **settings
        )
        print(f"{name}: threshold {threshold:.2f} (validation F-measure {valid_f:.3f})")
        for split in evaluated:
            scores = score_events(
                references[split], curves[split], ONSET_FRAME_RATE, threshold, **settings
            )
            for metric, value in scores.items():
                experiment.record(name, role, metric.replace("_", "-"), value, seconds, split=split)
        return threshold

    # --- baselines --------------------------------------------------------------------------------
    with Stopwatch() as watch:
        novelty = {s: [superflux(spectrogram(t)) for t in tracks] for s, tracks in clips.items()}
    superflux_threshold = report(
        "superflux", "baseline", novelty, "novelty", "offline", watch.seconds
    )
    with Stopwatch() as watch:
        delta, by_window = librosa_onset_detection(splits)
    print(f"librosa onset_detect: delta {delta} (chosen on validation)")
    scores = {"test": by_window[0.05]}
    scores.update({g: librosa_onset_scores(tracks, delta)[0.05] for g, tracks in held_out.items()})
    for split, values in scores.items():
        for metric, value in values.items():
            experiment.record(
                "librosa onset_detect",
                "baseline",
                metric.replace("_", "-"),
                value,
                watch.seconds,
                split=split,
            )

    # --- the networks -----------------------------------------------------------------------------
    networks = {
        "birnn (offline)": (lambda: onset_rnn(bidirectional=True), "offline"),
        "causal rnn (online)": (lambda: onset_rnn(units=48, bidirectional=False), "online"),
        "cnn (offline)": (onset_cnn, "offline"),
    }
    train = CropDataset(
        splits["train"],
        spectrogram,
        targets,
        crop,
        batch_size=16,
        frame_targets=True,
        seed=args.seed,
    )
    valid = CropDataset(
        splits["valid"],
        spectrogram,
        targets,
        crop,
        random_crops=False,
        shuffle=False,
        frame_targets=True,
    )
    activations, thresholds = {}, {"superflux": superflux_threshold}
    for name, (build, mode) in networks.items():
        set_seed(args.seed)
        model = build()
        model.compile(optimizer="adam", loss="binary_crossentropy")
        tag = name.split(" (")[0].replace(" ", "_")
        with Stopwatch() as watch:
            fit(
                model,
                train,
                valid,
                epochs=epochs,
                log_dir=experiment.run_dir(tag),
                patience=max(4, epochs // 4),
                verbose=0,
            )
            curves = {
                s: [
                    curve[:, 0]
                    for curve in predict_clips(
                        model,
                        [spectrogram(t) for t in tracks],
                        length_multiple=experiment.length_multiple,
                    )
                ]
                for s, tracks in clips.items()
            }
        print(f"{name}: {model.count_params():,} parameters, trained in {watch.seconds:.0f} s")
        thresholds[name] = report(name, "model", curves, "network", mode, watch.seconds)
        activations[name] = curves["test"]

    # The three networks and SuperFlux on one test clip, and the BiRNN's onsets as clicks.
    track, log_dir = splits["test"][0], experiment.run_dir("compare")
    fig, axes = new_figure(4, 1, figsize=(9, 7.5), sharex=True)
    shown = {**activations, "superflux": novelty["test"]}
    for ax, (name, curves) in zip(axes[:, 0], shown.items(), strict=True):
        kind = "novelty" if name == "superflux" else "network"
        mode = "online" if "online" in name else "offline"
        threshold = thresholds[name]
        found = pick_peaks(curves[0], ONSET_FRAME_RATE, threshold, **peak_settings(kind, mode))
        plot_activation(ax, curves[0], ONSET_FRAME_RATE, track.onsets, found, threshold, label=name)
        ax.legend(loc="upper right", fontsize=7, ncol=3)
    log_figure(log_dir, f"onset activations of {track.track_id}", fig)
    found = pick_peaks(
        activations["birnn (offline)"][0],
        ONSET_FRAME_RATE,
        thresholds["birnn (offline)"],
        **peak_settings("network", "offline"),
    )
    log_audio(
        log_dir,
        [with_clicks(track.audio(), found)],
        [f"{track.track_id} with onsets"],
        seconds=10.0,
    )
    print(
        f"{len(found)} onsets detected by the BiRNN in {track.track_id}; {len(track.onsets)} annotated"
    )
    return experiment.finish()


if __name__ == "__main__":
    run(main)
