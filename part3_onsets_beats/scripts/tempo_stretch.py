"""Does tempo-stretch augmentation help a beat tracker on tempi it never heard?

Part 3, example ``tempo_stretch``. Two copies of the multi-task TCN of ``beats.py`` are trained
on the training clips between 90 and 140 BPM only: one as they are, one with every training crop
played faster or slower by a random factor between 0.6 and 1.6 (the spectrogram is stretched
along time, and the beat targets and tempo with it). Both are tested on the test clips *outside*
90-140 BPM (the tempi neither saw as such) and, for reference, on those inside. Reported: beat
F-measure after the DBN, and Acc1/Acc2 of the tempo head. Baselines in the same run, on the same
clips: ``librosa.beat.beat_track`` and ``librosa.feature.tempo``, which were never trained.

    python part3_onsets_beats/scripts/tempo_stretch.py --size tiny --backend tensorflow
"""

from __future__ import annotations

from common import InputError
from common.cli import parse_args, run, script_parser

EPOCHS = {"tiny": 2, "workshop": 60, "full": 80}
CROP_SECONDS = 8.0
TRAINING_TEMPI = (90.0, 140.0)  # BPM
STRETCH = (0.6, 1.6)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(script_parser(__doc__, part=3, example="tempo_stretch"), argv)

    from common.audio.features import ONSET_FRAME_RATE
    from common.audio.io import DEFAULT_SAMPLE_RATE
    from common.data.cache import FeatureCache
    from common.data.samplers import BeatCrops
    from common.data.targets import rhythm_of
    from common.experiment import Experiment
    from common.models.temporal import beat_tcn
    from common.nn.predict import predict_clips
    from common.nn.training import Stopwatch, compile_beat_tracker, fit, set_seed
    from common.tasks.rhythm.baselines import librosa_beats, librosa_tempo
    from common.tasks.rhythm.dbn import track_bars
    from common.tasks.rhythm.metrics import beat_scores, mean_scores, tempo_accuracy
    from common.tasks.rhythm.tempo import tempo_from_distribution

    experiment = Experiment(args)
    splits = experiment.splits(kind="music", require="beats")
    spectrogram = FeatureCache("onset_spectrogram")
    low, high = TRAINING_TEMPI

    def inside(track) -> bool:
        return low <= rhythm_of(track).tempo <= high

    train = [t for t in splits["train"] if inside(t)]
    valid = [t for t in splits["valid"] if inside(t)]
    groups = {
        "outside": [t for t in splits["test"] if not inside(t)],
        "inside": [t for t in splits["test"] if inside(t)],
    }
    print(
        f"training on {len(train)} of {len(splits['train'])} clips ({low:.0f}-{high:.0f} BPM); "
        f"testing on {len(groups['outside'])} clips outside that range, "
        f"{len(groups['inside'])} inside"
    )
    if not train or not valid or not groups["outside"]:
        raise InputError(
            f"This example needs training and validation clips between {low:.0f} and {high:.0f} "
            "BPM and test clips outside that range; this dataset does not have them."
        )
    epochs = EPOCHS[args.size] if args.epochs is None else args.epochs
    crop = int(CROP_SECONDS * ONSET_FRAME_RATE)

    def summary(tracks, beats, tempi) -> dict:
        """Mean beat F-measure and tempo accuracies of the estimates for ``tracks``."""
        truth = [rhythm_of(t) for t in tracks]
        f = mean_scores([beat_scores(r.beats, b) for r, b in zip(truth, beats, strict=True)])
        accuracy = mean_scores(
            [tempo_accuracy(r.tempo, e) for r, e in zip(truth, tempi, strict=True)]
        )
        return {
            "beat f-measure": f["f_measure"],
            "tempo acc1": accuracy["acc1"],
            "tempo acc2": accuracy["acc2"],
        }

    def record(name, role, group, scores, seconds):
        label = "outside training tempi" if group == "outside" else "inside training tempi"
        for metric, value in scores.items():
            experiment.record(name, role, f"{metric} ({label})", value, seconds)

    # --- baselines on the same clips --------------------------------------------------------------
    for group, tracks in groups.items():
        with Stopwatch() as watch:
            audio = [t.audio() for t in tracks]
            beats = [librosa_beats(a, DEFAULT_SAMPLE_RATE)[1] for a in audio]
            tempi = [librosa_tempo(a, DEFAULT_SAMPLE_RATE) for a in audio]
        scores = summary(tracks, beats, tempi)
        record("librosa beat_track + feature.tempo", "baseline", group, scores, watch.seconds)

    # --- the two TCNs -----------------------------------------------------------------------------
    for name, stretch in (("tcn", None), ("tcn + tempo stretch", STRETCH)):
        set_seed(args.seed)
        model = compile_beat_tracker(beat_tcn())
        data = BeatCrops(train, spectrogram, crop, batch_size=8, stretch=stretch, seed=args.seed)
        held_out = BeatCrops(valid, spectrogram, crop, random_crops=False, shuffle=False)
        with Stopwatch() as watch:
            fit(
                model,
                data,
                held_out,
                epochs=epochs,
                log_dir=experiment.run_dir(name.replace(" + ", "_").replace(" ", "_")),
                patience=max(5, epochs // 4),
                verbose=0,
            )
        for group, tracks in groups.items():
            outputs = predict_clips(
                model, [spectrogram(t) for t in tracks], length_multiple=experiment.length_multiple
            )
            tracked = [
                track_bars(o["beats"][:, 0], ONSET_FRAME_RATE, o["downbeats"][:, 0])
                for o in outputs
            ]
            tempi = [tempo_from_distribution(o["tempo"]) for o in outputs]
            scores = summary(tracks, [t.beats for t in tracked], tempi)
            record(name, "model", group, scores, watch.seconds)
            print(
                f"{name}, {group} {low:.0f}-{high:.0f} BPM: beat F {scores['beat f-measure']:.3f}, "
                f"tempo Acc1 {scores['tempo acc1']:.3f}; estimated tempi "
                + ", ".join(
                    f"{e:.0f}/{rhythm_of(t).tempo:.0f}" for e, t in zip(tempi, tracks, strict=True)
                )
            )
    return experiment.finish()


if __name__ == "__main__":
    run(main)
