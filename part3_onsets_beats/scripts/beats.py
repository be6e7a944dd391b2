"""Where are the beats, the downbeats, and how fast is it? One multi-task TCN answers all three.

Part 3, examples ``beats`` and ``tempo``. A temporal convolutional network (dilated
convolutions, ten levels, 40 s of context) reads the multi-resolution spectrogram at 100 frames
per second and outputs, per frame, the probability of a beat and of a downbeat, and, per clip, a
distribution over tempi from 0 to 299 BPM (Böck, Davies and Knees, 2019). The three tasks are
trained together on the corpus's exact annotations (3/4 and 4/4 music).

Beats become times in two ways: peak picking (threshold chosen on the validation split), and a
dynamic Bayesian network over the position in the bar, decoded with Viterbi
(:mod:`common.tasks.rhythm.dbn`), which also chooses the meter. Tempo is read from the tempo head, from the
autocorrelation of the beat activation, and from the DBN's path. Scored with ``mir_eval``
(F-measure, CMLt, AMLt; downbeat F-measure) and Acc1/Acc2. Baselines in the same run, on the same
audio: ``librosa.beat.beat_track`` and ``librosa.feature.tempo``. Click tracks mixed onto test
clips go to TensorBoard's Audio tab.

Every model and baseline is also scored, unchanged, on the course's held-out music (splits
``ood-styles``: hymns and solo piano, without drums and with fermatas; ``ood-timbres``: the
corpus's styles played by other instruments).

Does the network find the beat, or the drummer? ``--no-drums-test`` also scores the test clips
with their drum stem removed (split ``test-nodrums``; librosa on the same audio). Training takes
a fraction ``--drumless P`` of its crops from the clips without their drums, an augmentation
only a corpus with stems allows; the default, 0.3, was chosen on the validation split, with and
without drums (the script prints both, so another ``P`` can be compared the same way).

    python part3_onsets_beats/scripts/beats.py --size tiny --backend jax
    python part3_onsets_beats/scripts/beats.py --drumless 0 --no-drums-test
    python part3_onsets_beats/scripts/beats.py --dataset ballroom --data-home ~/mir_datasets
"""

from __future__ import annotations

from common.cli import parse_args, run, script_parser

EPOCHS = {"tiny": 2, "workshop": 60, "full": 80}
CROP_SECONDS = 8.0
BEAT_METRICS = ("f_measure", "cmlt", "amlt")
#: Fraction of training crops without their drums. Chosen on validation at the workshop size
#: (JAX, seed 0; mean DBN beat F over the validation clips with and without drums): 0 gave
#: 0.855 (0.954 / 0.756), 0.3 gave 0.920 (0.957 / 0.883), 0.6 gave 0.919 (0.965 / 0.873).
DRUMLESS = 0.3


def probability(text: str) -> float:
    """An ``argparse`` type: a number from 0 to 1."""
    import argparse

    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 1")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = script_parser(__doc__, part=3, example="beats")
    parser.add_argument(
        "--drumless",
        type=probability,
        default=DRUMLESS,
        help=f"fraction of training crops taken from the clip without its drums (default {DRUMLESS})",
    )
    parser.add_argument(
        "--no-drums-test",
        action="store_true",
        help="also score the test clips with their drums removed (split test-nodrums)",
    )
    args = parse_args(parser, argv)

    import numpy as np

    from common.audio.features import ONSET_FRAME_RATE
    from common.audio.io import DEFAULT_SAMPLE_RATE
    from common.audio.sonify import with_clicks
    from common.data.cache import FeatureCache
    from common.data.samplers import BeatCrops
    from common.data.targets import rhythm_of
    from common.data.tracks import MissingAnnotationError
    from common.experiment import Experiment
    from common.models.temporal import beat_tcn
    from common.nn.predict import predict_clips
    from common.nn.tensorboard import log_audio, log_figure
    from common.nn.training import Stopwatch, compile_beat_tracker, fit, set_seed
    from common.tasks.rhythm.baselines import librosa_beats, librosa_tempo
    from common.tasks.rhythm.dbn import track_bars
    from common.tasks.rhythm.metrics import beat_scores, mean_scores, tempo_accuracy
    from common.tasks.rhythm.peaks import choose_threshold, peak_settings, score_events
    from common.tasks.rhythm.tempo import autocorrelation_tempo, tempo_from_distribution
    from common.viz.figures import new_figure
    from common.viz.plots import plot_activation

    experiment = Experiment(args)
    splits = experiment.splits(kind="music", require="beats")
    spectrogram = FeatureCache("onset_spectrogram")
    epochs = EPOCHS[args.size] if args.epochs is None else args.epochs
    crop = int(CROP_SECONDS * ONSET_FRAME_RATE)

    drumless = FeatureCache("onset_spectrogram", stems={"drums": 0.0})
    # Only a dataset with stems can be heard without its drums (the embedded corpus; not
    # Ballroom or GTZAN): elsewhere the model trains on the mixes alone, and says so.
    stems = all("drums" in t.stem_paths for s in ("train", "valid", "test") for t in splits[s])
    if args.no_drums_test and not stems:
        raise MissingAnnotationError(
            f"--no-drums-test needs the drum stem of every test clip, and {args.dataset} has no "
            "stems; leave the option out (or use --dataset synthetic)."
        )
    share = args.drumless if stems else 0.0
    if args.drumless > 0 and not stems:
        print(f"{args.dataset} has no stems: training on the mixes only (no drumless crops).")
    # A model trained with another fraction of drumless crops keeps its own name in the rows.
    tag = f" (drumless {share:g})" if share != DRUMLESS else ""
    # What the models are scored on: the tracks, their features and their audio.
    mix = (spectrogram, lambda t: t.audio())
    conditions = {"test": (splits["test"], *mix)}
    if args.no_drums_test:
        conditions["test-nodrums"] = (splits["test"], drumless, lambda t: t.remix({"drums": 0.0}))
    for group, tracks in experiment.held_out(require="beats").items():
        conditions[group] = (tracks, *mix)
    rhythm = {s: [rhythm_of(t) for t in tracks] for s, tracks in splits.items()}
    rhythm.update({s: [rhythm_of(t) for t in tracks] for s, (tracks, _, _) in conditions.items()})

    def record(model, role, scores, metrics, seconds, split, **kwargs):
        for metric in metrics:
            experiment.record(
                model, role, metric.replace("_", "-"), scores[metric], seconds, split, **kwargs
            )

    # --- baselines: librosa on the audio ----------------------------------------------------------
    for split, (tracks, _, audio) in conditions.items():
        with Stopwatch() as watch:
            librosa_out = [librosa_beats(audio(t), DEFAULT_SAMPLE_RATE) for t in tracks]
        scores = mean_scores(
            [beat_scores(r.beats, b) for r, (_, b) in zip(rhythm[split], librosa_out, strict=True)]
        )
        record("librosa beat_track", "baseline", scores, BEAT_METRICS, watch.seconds, split)
        with Stopwatch() as watch:
            tempi = [librosa_tempo(audio(t), DEFAULT_SAMPLE_RATE) for t in tracks]
        accuracy = mean_scores(
            [tempo_accuracy(r.tempo, e) for r, e in zip(rhythm[split], tempi, strict=True)]
        )
        record(
            "librosa feature.tempo", "baseline", accuracy, accuracy, watch.seconds, split,
            example="tempo",
        )  # fmt: skip

    # --- the multi-task TCN -----------------------------------------------------------------------
    set_seed(args.seed)
    model = compile_beat_tracker(beat_tcn())
    train = BeatCrops(
        splits["train"],
        spectrogram,
        crop,
        batch_size=8,
        seed=args.seed,
        remixes=[drumless] if share > 0 else (),
        remix_probability=share,
    )
    valid = BeatCrops(splits["valid"], spectrogram, crop, random_crops=False, shuffle=False)
    log_dir = experiment.run_dir()
    with Stopwatch() as training:
        fit(
            model,
            train,
            valid,
            epochs=epochs,
            log_dir=log_dir,
            patience=max(5, epochs // 4),
            verbose=0,
        )

    def activations(tracks, features):
        outputs = predict_clips(
            model,
            [features(t) for t in tracks],
            length_multiple=experiment.length_multiple,
        )
        return (
            [o["beats"][:, 0] for o in outputs],
            [o["downbeats"][:, 0] for o in outputs],
            [o["tempo"] for o in outputs],
        )

    with Stopwatch() as watch:
        beats, downbeats, tempo_heads = {}, {}, {}
        views = [("valid", spectrogram)] + ([("valid-nodrums", drumless)] if stems else [])
        for split, features in views:
            beats[split], downbeats[split], tempo_heads[split] = activations(
                splits["valid"], features
            )
        for split, (tracks, features, _) in conditions.items():
            beats[split], downbeats[split], tempo_heads[split] = activations(tracks, features)
    predict_seconds = watch.seconds

    # Peak picking, threshold chosen on validation.
    settings = peak_settings("network", "offline", events="beats")
    with Stopwatch() as watch:
        threshold, _ = choose_threshold(
            [r.beats for r in rhythm["valid"]],
            beats["valid"],
            ONSET_FRAME_RATE,
            "beats",
            **settings,
        )
    print(f"tcn + peak picking: threshold {threshold:.2f} (chosen on validation)")
    choosing = watch.seconds
    # What --drumless is chosen by: the DBN's beat F on the validation clips, drums on and off.
    valid_f = {}
    for split, _ in views:
        decoded = [
            track_bars(b, ONSET_FRAME_RATE, d)
            for b, d in zip(beats[split], downbeats[split], strict=True)
        ]
        valid_f[split] = np.mean(
            [
                beat_scores(r.beats, t.beats)["f_measure"]
                for r, t in zip(rhythm["valid"], decoded, strict=True)
            ]
        )
    print(
        f"tcn + dbn (drumless {share:g}): validation beat F "
        + ", ".join(f"{valid_f[s]:.3f} ({s})" for s in valid_f)
        + (f", mean {np.mean(list(valid_f.values())):.3f}" if len(valid_f) > 1 else "")
    )
    tracked = {}
    for split in conditions:
        with Stopwatch() as watch:
            scores = score_events(
                [r.beats for r in rhythm[split]],
                beats[split],
                ONSET_FRAME_RATE,
                threshold,
                "beats",
                **settings,
            )
        seconds = training.seconds + predict_seconds + choosing + watch.seconds
        record(f"tcn + peak picking{tag}", "model", scores, BEAT_METRICS, seconds, split)

        # The bar-pointer DBN: beats, downbeats and meter at once.
        with Stopwatch() as watch:
            tracked[split] = [
                track_bars(b, ONSET_FRAME_RATE, d)
                for b, d in zip(beats[split], downbeats[split], strict=True)
            ]
        seconds = training.seconds + predict_seconds + watch.seconds
        pairs = list(zip(rhythm[split], tracked[split], strict=True))
        scores = mean_scores([beat_scores(r.beats, t.beats) for r, t in pairs])
        record(f"tcn + dbn{tag}", "model", scores, BEAT_METRICS, seconds, split)
        downbeat_f = np.mean([beat_scores(r.downbeats, t.downbeats)["f_measure"] for r, t in pairs])
        experiment.record(
            f"tcn + dbn{tag}", "model", "downbeat f-measure", downbeat_f, seconds, split=split
        )
        known = [(r, t) for r, t in pairs if r.beats_per_bar]
        if known:
            meter = np.mean([r.beats_per_bar == t.beats_per_bar for r, t in known])
            experiment.record(
                f"tcn + dbn{tag}", "model", "meter accuracy", meter, seconds, split=split
            )

        # Tempo three ways.
        estimates = {
            "tcn tempo head": [tempo_from_distribution(p) for p in tempo_heads[split]],
            "tcn beats + autocorrelation": [
                autocorrelation_tempo(b, ONSET_FRAME_RATE)[0] for b in beats[split]
            ],
            "tcn + dbn": [t.tempo for t in tracked[split]],
        }
        for name, values in estimates.items():
            accuracy = mean_scores(
                [tempo_accuracy(r.tempo, e) for r, e in zip(rhythm[split], values, strict=True)]
            )
            seconds = training.seconds + predict_seconds
            record(f"{name}{tag}", "model", accuracy, accuracy, seconds, split, example="tempo")
    tracked = tracked["test"]

    # What a learner should look at and listen to: activations under the annotations, and the
    # tracked beats as clicks on the music.
    shown = splits["test"][:3]
    fig, axes = new_figure(len(shown), 1, figsize=(9, 2.2 * len(shown)))
    for i, (ax, track) in enumerate(zip(axes[:, 0], shown, strict=True)):
        plot_activation(
            ax,
            beats["test"][i],
            ONSET_FRAME_RATE,
            rhythm["test"][i].beats,
            tracked[i].beats,
            label="beat",
        )
        ax.plot(
            np.arange(len(downbeats["test"][i])) / ONSET_FRAME_RATE,
            downbeats["test"][i],
            color="C2",
            linewidth=0.8,
            label="downbeat",
        )
        ax.set_title(
            f"{track.track_id}: {rhythm['test'][i].tempo:.0f} BPM; tracked {tracked[i].beats_per_bar} beats per bar",
            fontsize=8,
        )
    axes[0, 0].legend(loc="upper right", fontsize=7, ncol=4)
    log_figure(log_dir, "beat and downbeat activations (test clips)", fig)
    log_audio(
        log_dir,
        [
            with_clicks(t.audio(), tracked[i].beats, tracked[i].downbeats)
            for i, t in enumerate(shown)
        ],
        [f"{t.track_id} with tracked beats" for t in shown],
        seconds=10.0,
    )
    return experiment.finish()


if __name__ == "__main__":
    run(main)
