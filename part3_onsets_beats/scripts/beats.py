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

Does the network find the beat, or the drummer? ``--no-drums-test`` also scores the test clips
with their drum stem removed (split ``test-nodrums``; librosa on the same audio), and
``--drumless P`` trains with a fraction ``P`` of the crops taken from the clips without their
drums (an augmentation only a corpus with stems allows).

    python part3_onsets_beats/scripts/beats.py --size tiny --backend jax
    python part3_onsets_beats/scripts/beats.py --drumless 0.3 --no-drums-test
    python part3_onsets_beats/scripts/beats.py --dataset ballroom --data-home ~/mir_datasets
"""

from __future__ import annotations

from common.cli import parse_args, run, script_parser

EPOCHS = {"tiny": 2, "workshop": 60, "full": 80}
CROP_SECONDS = 8.0


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
        default=0.0,
        help="fraction of training crops taken from the clip without its drums",
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
    rhythm = {s: [rhythm_of(t) for t in tracks] for s, tracks in splits.items()}
    epochs = EPOCHS[args.size] if args.epochs is None else args.epochs
    crop = int(CROP_SECONDS * ONSET_FRAME_RATE)

    drumless = FeatureCache("onset_spectrogram", stems={"drums": 0.0})
    # A model trained with drumless crops is another model: its rows keep their own name.
    tag = f" (drumless {args.drumless:g})" if args.drumless > 0 else ""
    conditions = {"test": (spectrogram, lambda t: t.audio())}
    if args.no_drums_test:
        conditions["test-nodrums"] = (drumless, lambda t: t.remix({"drums": 0.0}))

    # --- baselines: librosa on the audio ----------------------------------------------------------
    for split, (_, audio) in conditions.items():
        with Stopwatch() as watch:
            librosa_out = [librosa_beats(audio(t), DEFAULT_SAMPLE_RATE) for t in splits["test"]]
        scores = mean_scores(
            [beat_scores(r.beats, b) for r, (_, b) in zip(rhythm["test"], librosa_out, strict=True)]
        )
        for metric in ("f_measure", "cmlt", "amlt"):
            experiment.record(
                "librosa beat_track",
                "baseline",
                metric.replace("_", "-"),
                scores[metric],
                watch.seconds,
                split=split,
            )
        with Stopwatch() as watch:
            tempi = [librosa_tempo(audio(t), DEFAULT_SAMPLE_RATE) for t in splits["test"]]
        accuracy = mean_scores(
            [tempo_accuracy(r.tempo, e) for r, e in zip(rhythm["test"], tempi, strict=True)]
        )
        for metric, value in accuracy.items():
            experiment.record(
                "librosa feature.tempo",
                "baseline",
                metric,
                value,
                watch.seconds,
                split=split,
                example="tempo",
            )

    # --- the multi-task TCN -----------------------------------------------------------------------
    set_seed(args.seed)
    model = compile_beat_tracker(beat_tcn())
    train = BeatCrops(
        splits["train"],
        spectrogram,
        crop,
        batch_size=8,
        seed=args.seed,
        remixes=[drumless] if args.drumless > 0 else (),
        remix_probability=args.drumless,
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
        beats["valid"], downbeats["valid"], tempo_heads["valid"] = activations(
            splits["valid"], spectrogram
        )
        for split, (features, _) in conditions.items():
            beats[split], downbeats[split], tempo_heads[split] = activations(
                splits["test"], features
            )
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
    tracked = {}
    for split in conditions:
        with Stopwatch() as watch:
            scores = score_events(
                [r.beats for r in rhythm["test"]],
                beats[split],
                ONSET_FRAME_RATE,
                threshold,
                "beats",
                **settings,
            )
        seconds = training.seconds + predict_seconds + choosing + watch.seconds
        for metric in ("f_measure", "cmlt", "amlt"):
            experiment.record(
                f"tcn + peak picking{tag}",
                "model",
                metric.replace("_", "-"),
                scores[metric],
                seconds,
                split=split,
            )

        # The bar-pointer DBN: beats, downbeats and meter at once.
        with Stopwatch() as watch:
            tracked[split] = [
                track_bars(b, ONSET_FRAME_RATE, d)
                for b, d in zip(beats[split], downbeats[split], strict=True)
            ]
        seconds = training.seconds + predict_seconds + watch.seconds
        pairs = list(zip(rhythm["test"], tracked[split], strict=True))
        scores = mean_scores([beat_scores(r.beats, t.beats) for r, t in pairs])
        for metric in ("f_measure", "cmlt", "amlt"):
            experiment.record(
                f"tcn + dbn{tag}",
                "model",
                metric.replace("_", "-"),
                scores[metric],
                seconds,
                split=split,
            )
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
                [tempo_accuracy(r.tempo, e) for r, e in zip(rhythm["test"], values, strict=True)]
            )
            for metric, value in accuracy.items():
                experiment.record(
                    f"{name}{tag}",
                    "model",
                    metric,
                    value,
                    training.seconds + predict_seconds,
                    split=split,
                    example="tempo",
                )
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
