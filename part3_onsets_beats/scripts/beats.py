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

    python part3_onsets_beats/scripts/beats.py --size tiny --backend jax
    python part3_onsets_beats/scripts/beats.py --dataset ballroom --data-home ~/mir_datasets
"""

from __future__ import annotations

from common.cli import parse_args, run, script_parser

EPOCHS = {"tiny": 2, "workshop": 60, "full": 80}
CROP_SECONDS = 8.0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(script_parser(__doc__, part=3, example="beats"), argv)

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

    # --- baselines: librosa on the audio ----------------------------------------------------------
    with Stopwatch() as watch:
        librosa_out = [librosa_beats(t.audio(), DEFAULT_SAMPLE_RATE) for t in splits["test"]]
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
        )
    with Stopwatch() as watch:
        tempi = [librosa_tempo(t.audio(), DEFAULT_SAMPLE_RATE) for t in splits["test"]]
    accuracy = mean_scores(
        [tempo_accuracy(r.tempo, e) for r, e in zip(rhythm["test"], tempi, strict=True)]
    )
    for metric, value in accuracy.items():
        experiment.record(
            "librosa feature.tempo", "baseline", metric, value, watch.seconds, example="tempo"
        )

    # --- the multi-task TCN -----------------------------------------------------------------------
    set_seed(args.seed)
    model = compile_beat_tracker(beat_tcn())
    train = BeatCrops(splits["train"], spectrogram, crop, batch_size=8, seed=args.seed)
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

    def activations(split):
        outputs = predict_clips(
            model,
            [spectrogram(t) for t in splits[split]],
            length_multiple=experiment.length_multiple,
        )
        return (
            [o["beats"][:, 0] for o in outputs],
            [o["downbeats"][:, 0] for o in outputs],
            [o["tempo"] for o in outputs],
        )

    with Stopwatch() as watch:
        beats, downbeats, tempo_heads = {}, {}, {}
        for split in ("valid", "test"):
            beats[split], downbeats[split], tempo_heads[split] = activations(split)
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
        scores = score_events(
            [r.beats for r in rhythm["test"]],
            beats["test"],
            ONSET_FRAME_RATE,
            threshold,
            "beats",
            **settings,
        )
    print(f"tcn + peak picking: threshold {threshold:.2f} (chosen on validation)")
    seconds = training.seconds + predict_seconds + watch.seconds
    for metric in ("f_measure", "cmlt", "amlt"):
        experiment.record(
            "tcn + peak picking", "model", metric.replace("_", "-"), scores[metric], seconds
        )

    # The bar-pointer DBN: beats, downbeats and meter at once.
    with Stopwatch() as watch:
        tracked = [
            track_bars(b, ONSET_FRAME_RATE, d)
            for b, d in zip(beats["test"], downbeats["test"], strict=True)
        ]
    seconds = training.seconds + predict_seconds + watch.seconds
    scores = mean_scores(
        [beat_scores(r.beats, t.beats) for r, t in zip(rhythm["test"], tracked, strict=True)]
    )
    for metric in ("f_measure", "cmlt", "amlt"):
        experiment.record("tcn + dbn", "model", metric.replace("_", "-"), scores[metric], seconds)
    downbeat_f = np.mean(
        [
            beat_scores(r.downbeats, t.downbeats)["f_measure"]
            for r, t in zip(rhythm["test"], tracked, strict=True)
        ]
    )
    experiment.record("tcn + dbn", "model", "downbeat f-measure", downbeat_f, seconds)
    known = [(r, t) for r, t in zip(rhythm["test"], tracked, strict=True) if r.beats_per_bar]
    if known:
        meter = np.mean([r.beats_per_bar == t.beats_per_bar for r, t in known])
        experiment.record("tcn + dbn", "model", "meter accuracy", meter, seconds)

    # Tempo three ways.
    estimates = {
        "tcn tempo head": [tempo_from_distribution(p) for p in tempo_heads["test"]],
        "tcn beats + autocorrelation": [
            autocorrelation_tempo(b, ONSET_FRAME_RATE)[0] for b in beats["test"]
        ],
        "tcn + dbn": [t.tempo for t in tracked],
    }
    for name, values in estimates.items():
        accuracy = mean_scores(
            [tempo_accuracy(r.tempo, e) for r, e in zip(rhythm["test"], values, strict=True)]
        )
        for metric, value in accuracy.items():
            experiment.record(
                name, "model", metric, value, training.seconds + predict_seconds, example="tempo"
            )

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
