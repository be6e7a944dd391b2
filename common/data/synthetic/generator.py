"""Plan and render a whole corpus to disk, in parallel, resumably.

The plan (every work, version and speech clip with its parameters) is a pure function of the
preset and the seed, and each clip is rendered from its own seed, so the corpus is identical
whatever the number of workers or the order in which clips finish. Each file is written
atomically and a track counts as done once its record in ``.tracks/`` exists; an interrupted
run picks up where it stopped. ``metadata.csv`` is written last: its presence means complete.
"""

from __future__ import annotations

import contextlib
import csv
import io
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from common import InputError
from common.audio.io import DEFAULT_SAMPLE_RATE, write_audio
from common.data import annotations
from common.data.synthetic.song import VersionSpec, render_version
from common.data.synthetic.speech import (
    LANGUAGE_NAMES,
    VARIANTS,
    Speaker,
    SpeechSpec,
    render_speech,
)
from common.data.synthetic.styles import HELD_OUT_STYLES, STYLES, styles_for_meter
from common.data.synthetic.works import compose_work
from common.data.tracks import METADATA_FIELDS
from common.fileio import file_lock, is_temporary, read_json, write_json, write_text

#: Bump when a change to the generator changes its output; old corpora are then re-rendered.
GENERATOR_VERSION = 2
SPLITS = ("train", "valid", "test")


@dataclass(frozen=True)
class Preset:
    """Size of a corpus."""

    name: str
    clip_seconds: float
    works_per_style: tuple[int, int, int]  # train, valid, test
    versions_per_work: int
    speakers: tuple[int, int, int]  # train, valid, test
    clips_per_speaker: int
    #: A held-out set instead of a corpus: (works per held-out style, works per corpus style
    #: played by the course's own instruments), one version each, all in the test split.
    held_out: tuple[int, int] | None = None

    @property
    def n_music(self) -> int:
        if self.held_out is not None:
            return len(HELD_OUT_STYLES) * self.held_out[0] + len(STYLES) * self.held_out[1]
        return len(STYLES) * sum(self.works_per_style) * self.versions_per_work

    @property
    def n_speech(self) -> int:
        return sum(self.speakers) * self.clips_per_speaker


PRESETS = {
    # Tests: seconds to render; every style in every split.
    "tiny": Preset("tiny", 6.0, (2, 1, 1), 2, (4, 2, 2), 2),
    # The workshop: each part trains in minutes on a 2-core laptop.
    "workshop": Preset("workshop", 10.0, (10, 3, 3), 2, (12, 4, 4), 3),
    # For a GPU: about 28 hours of music.
    "full": Preset("full", 30.0, (100, 20, 20), 3, (60, 15, 15), 8),
    # The held-out set: music the corpus never renders, for testing only (see `plan_held_out`).
    "ood": Preset("ood", 10.0, (0, 0, 0), 1, (0, 0, 0), 0, held_out=(8, 3)),
    "ood-tiny": Preset("ood-tiny", 6.0, (0, 0, 0), 1, (0, 0, 0), 0, held_out=(1, 1)),
}
#: Groups of the held-out set, the name of each in result rows.
HELD_OUT_GROUPS = ("ood-styles", "ood-timbres")

# Thresholds of the mood tags (see `moods`), set from the distributions of the workshop preset.
FAST_BPM, SLOW_BPM = 115.0, 100.0
LOUD_DB, SOFT_DB = -19.0, -22.0  # RMS of the mix, dBFS
DENSE, SPARSE = 6.0, 4.0  # merged onsets per second


def moods(mode: str, tempo: float, loudness_db: float, density: float) -> list[str]:
    """Mood words from mode, tempo (BPM), loudness (RMS dBFS) and onset density (per second).

    Valence and tempo: happy (major, fast), tense (minor, fast), relaxed (major, slow),
    sad (minor, slow); tempos in between get none of these. Arousal: energetic (loud, and fast
    or dense), calm (soft and sparse).
    """
    words = []
    if tempo >= FAST_BPM:
        words.append("happy" if mode == "major" else "tense")
    elif tempo < SLOW_BPM:
        words.append("relaxed" if mode == "major" else "sad")
    if loudness_db >= LOUD_DB and (tempo >= FAST_BPM or density >= DENSE):
        words.append("energetic")
    if loudness_db < SOFT_DB and density < SPARSE:
        words.append("calm")
    return words


def slug(text: str) -> str:
    return text.replace(" ", "-")


# ---------------------------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MusicJob:
    spec: VersionSpec
    split: str
    version: int


@dataclass(frozen=True)
class SpeechJob:
    spec: SpeechSpec
    split: str


def held_out_group(style: str) -> str:
    """``ood-styles`` for music in a style the corpus never plays (drumless, with free time),
    ``ood-timbres`` for a corpus style played by instruments the corpus never uses."""
    return "ood-styles" if style in HELD_OUT_STYLES else "ood-timbres"


def held_out_sizes(preset: Preset) -> dict[str, int]:
    """The number of clips in each held-out group of a held-out preset (``ood``, ``ood-tiny``)."""
    works_per_held_out_style, works_per_corpus_style = preset.held_out
    return {
        "ood-styles": len(HELD_OUT_STYLES) * works_per_held_out_style,
        "ood-timbres": len(STYLES) * works_per_corpus_style,
    }


def plan_held_out(preset: Preset, seed: int) -> list[MusicJob]:
    """The held-out set: new works in the held-out styles (hymns, solo piano; no drums,
    fermatas, ritardandi) played by the SoundFont, and new works in the corpus's styles played
    by the course's own synthesiser (:mod:`common.data.synthetic.synth`). Its own random
    stream, and work ids of their own (``h...``), so nothing in it is a version of a corpus work.
    """
    rng = np.random.default_rng([seed, 2026])
    jobs = []
    groups = (
        (HELD_OUT_STYLES, preset.held_out[0], "soundfont"),
        (STYLES, preset.held_out[1], "synth"),
    )
    work_number = 0
    for styles, n_works, instruments in groups:
        for name, style in styles.items():
            for _ in range(n_works):
                work_number += 1
                meters = list(style.meters)
                meter = int(rng.choice(meters, p=[style.meters[m] for m in meters]))
                work = compose_work(f"h{work_number:05d}", name, meter, rng)
                spec = VersionSpec(
                    track_id=f"{slug(name)}_{work.work_id}_v0",
                    work=work,
                    style=name,
                    tempo=round(float(rng.uniform(*style.tempo)), 1),
                    tonic=int(rng.integers(12)),
                    vocal=bool(rng.random() < style.vocal_probability),
                    loudness=float(rng.uniform(*style.loudness)),
                    seed=int(rng.integers(2**31)),
                    duration=preset.clip_seconds,
                    start_bar=round(float(rng.uniform(0.5, 2.0)), 3),
                    intro_bars=int(rng.integers(1, 3)),
                    instruments=instruments,
                )
                jobs.append(MusicJob(spec, "test", 0))
    return jobs


def plan(preset: Preset, seed: int) -> list[MusicJob | SpeechJob]:
    """Every clip of the corpus, in a fixed order. Splits are by work (and by speaker), so no
    version of a test work, and no test speaker, is heard in training."""
    if preset.held_out is not None:
        return plan_held_out(preset, seed)
    rng = np.random.default_rng(seed)
    jobs: list[MusicJob | SpeechJob] = []
    work_number = 0
    counts = {split: dict.fromkeys(STYLES, 0) for split in SPLITS}
    for home in STYLES:  # dict order is fixed
        home_style = STYLES[home]
        for split, n_works in zip(SPLITS, preset.works_per_style, strict=True):
            for _ in range(n_works):
                work_number += 1
                meters = list(home_style.meters)
                meter = int(rng.choice(meters, p=[home_style.meters[m] for m in meters]))
                work = compose_work(f"w{work_number:05d}", home, meter, rng)
                tonic = int(rng.integers(12))
                for version in range(preset.versions_per_work):
                    if version == 0 or rng.random() < 0.5:
                        style_name = home
                    else:  # a cover in another style: the least used so far keeps classes even
                        others = [s for s in styles_for_meter(meter) if s != home] or [home]
                        fewest = min(counts[split][s] for s in others)
                        others = [s for s in others if counts[split][s] == fewest]
                        style_name = others[rng.integers(len(others))]
                    counts[split][style_name] += 1
                    style = STYLES[style_name]
                    if version > 0:
                        tonic = int((tonic + rng.integers(1, 12)) % 12)
                    vocal = bool(rng.random() < style.vocal_probability)
                    spec = VersionSpec(
                        track_id=f"{slug(style_name)}_{work.work_id}_v{version}",
                        work=work,
                        style=style_name,
                        tempo=round(float(rng.uniform(*style.tempo)), 1),
                        tonic=tonic,
                        vocal=vocal,
                        loudness=float(rng.uniform(*style.loudness)),
                        seed=int(rng.integers(2**31)),
                        duration=preset.clip_seconds,
                        start_bar=round(float(rng.uniform(0.5, 2.0)), 3),
                        intro_bars=int(rng.integers(1, 3)),
                    )
                    jobs.append(MusicJob(spec, split, version))
    used: set[str] = set()
    for split, n_speakers in zip(SPLITS, preset.speakers, strict=True):
        for _ in range(n_speakers):
            while True:
                speaker = Speaker(
                    language=str(rng.choice(sorted(LANGUAGE_NAMES))),
                    variant=str(rng.choice(VARIANTS)),
                    pitch=int(rng.integers(25, 76)),
                    rate=int(rng.integers(135, 200)),
                    pitch_range=int(rng.integers(30, 90)),
                )
                if speaker.speaker_id not in used:
                    used.add(speaker.speaker_id)
                    break
            for k in range(preset.clips_per_speaker):
                spec = SpeechSpec(
                    track_id=f"speech_{speaker.speaker_id}_{k:02d}",
                    speaker=speaker,
                    seed=int(rng.integers(2**31)),
                    duration=preset.clip_seconds,
                    loudness_db=float(rng.uniform(-26, -16)),
                )
                jobs.append(SpeechJob(spec, split))
    return jobs


# ---------------------------------------------------------------------------------------------
# Rendering one job
# ---------------------------------------------------------------------------------------------


def _render_music(job: MusicJob, out: Path, sample_rate: int) -> dict[str, str]:
    spec = job.spec
    result = render_version(spec, sample_rate)
    tid = spec.track_id
    for stem, audio in result.stems.items():
        write_audio(out / "stems" / tid / f"{stem}.flac", audio, sample_rate)
    write_audio(out / "audio" / f"{tid}.flac", result.mix, sample_rate)
    ann = out / "annotations"
    annotations.write_beats(ann / f"{tid}.beats", result.beat_times, result.beat_positions)
    annotations.write_onsets(ann / f"{tid}.onsets", result.onset_times)
    annotations.write_notes(ann / f"{tid}.notes.csv", result.notes)
    annotations.write_chords(ann / f"{tid}.chords", result.chords)
    mood_words = moods(spec.work.mode, result.tempo, result.loudness_db, result.onset_density)
    tags = [*result.instruments, "vocal" if result.vocal else "instrumental", *mood_words]
    return {
        "track_id": tid,
        "kind": "music",
        "split": job.split,
        "genre": spec.style,
        "tags": ";".join(tags),
        "instruments": ";".join(result.instruments),
        "moods": ";".join(mood_words),
        "vocal": str(int(result.vocal)),
        "tempo": f"{result.tempo:.2f}",
        "meter": result.meter,
        "key": result.key,
        "work_id": spec.work.work_id,
        "version": str(job.version),
        "duration": f"{spec.duration:.3f}",
        "loudness_db": f"{result.loudness_db:.2f}",
        "onset_density": f"{result.onset_density:.3f}",
        "language": "",
    }


def _render_speech(job: SpeechJob, out: Path, sample_rate: int) -> dict[str, str]:
    spec = job.spec
    audio, texts = render_speech(spec, sample_rate)
    write_audio(out / "audio" / f"{spec.track_id}.flac", audio, sample_rate)
    write_text(out / "annotations" / f"{spec.track_id}.txt", "\n".join(texts) + "\n")
    language = LANGUAGE_NAMES[spec.speaker.language]
    loudness = 10 * np.log10(np.mean((audio / 32768.0) ** 2) + 1e-12)
    row = dict.fromkeys(METADATA_FIELDS, "")
    row.update(
        track_id=spec.track_id,
        kind="speech",
        split=job.split,
        tags=f"speech;{language}",
        work_id=f"speaker-{spec.speaker.speaker_id}",
        duration=f"{spec.duration:.3f}",
        loudness_db=f"{loudness:.2f}",
        language=language,
    )
    return row


def render_job(job: MusicJob | SpeechJob, out: Path, sample_rate: int) -> dict[str, str]:
    """Render one clip with all its files; its record in ``.tracks/`` is written last."""
    render = _render_music if isinstance(job, MusicJob) else _render_speech
    row = render(job, out, sample_rate)
    write_json(out / ".tracks" / f"{row['track_id']}.json", row)
    return row


# ---------------------------------------------------------------------------------------------
# The whole corpus
# ---------------------------------------------------------------------------------------------


class CorpusMismatchError(InputError, RuntimeError):
    """The output folder holds a corpus rendered with other settings, or something else."""


#: What a corpus folder holds; the renderer refuses an ``--out`` with anything else in it.
CORPUS_ENTRIES = {
    ".lock",
    ".tracks",
    "annotations",
    "audio",
    "stems",
    "corpus.json",
    "metadata.csv",
}


def _own_temporary_files(out: Path) -> list[Path]:
    """Temporary files an interrupted render left, in the folders the renderer writes (never
    anywhere else under ``out``)."""
    folders = [out, out / ".tracks", out / "audio", out / "annotations"]
    folders += [f for f in (out / "stems").glob("*") if f.is_dir()]
    return [
        f
        for folder in folders
        if folder.is_dir()
        for f in folder.iterdir()
        if f.is_file() and is_temporary(f)
    ]


def damaged_tracks(out: Path) -> list[str]:
    """Track ids of a rendered corpus whose audio, stems or annotations are missing or empty.

    Used by ``render_corpus(..., verify=True)`` (``--verify``), which renders them again.
    """
    from common.data.tracks import Corpus

    damaged = []
    for track in Corpus(out):
        paths = [track.audio_path, *track.stem_paths.values(), *track.annotation_paths.values()]
        if not all(p.is_file() and p.stat().st_size > 0 for p in paths):
            damaged.append(track.track_id)
    return damaged


def corpus_settings(preset: Preset, seed: int, sample_rate: int) -> dict:
    return {
        "preset": preset.name,
        "seed": seed,
        "sample_rate": sample_rate,
        "generator_version": GENERATOR_VERSION,
    }


def is_complete(
    out: Path, preset: Preset, seed: int, sample_rate: int = DEFAULT_SAMPLE_RATE
) -> bool:
    """Whether ``out`` holds a finished corpus with exactly these settings."""
    manifest = out / "corpus.json"
    if not (manifest.is_file() and (out / "metadata.csv").is_file()):
        return False
    return read_json(manifest) == corpus_settings(preset, seed, sample_rate)


def _context():
    # Workers start from a clean interpreter (never a fork of a process that may hold threads
    # of a deep-learning framework); "forkserver" makes that cheap where it exists.
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # The server imports the generator once; each worker is then a cheap fork of it.
    context.set_forkserver_preload([__name__])
    if threading.current_thread() is threading.main_thread():
        # Started while Ctrl-C is ignored, the server and every worker forked from it ignore
        # Ctrl-C from their first instruction: the main process alone handles it (a worker
        # interrupted while it starts would break the pool and print tracebacks).
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            multiprocessing.forkserver.ensure_running()
        finally:
            signal.signal(signal.SIGINT, previous)
    return context


def _ignore_interrupts() -> None:
    """Worker start-up: Ctrl-C is the main process's to handle. It cancels the queued clips and
    lets each worker finish the clip in its hands, instead of every worker printing its own
    traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def render_corpus(
    preset: str | Preset,
    out: str | os.PathLike,
    seed: int = 0,
    workers: int | None = None,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    progress: bool = True,
    verify: bool = False,
) -> Path:
    """Render (or finish rendering) a corpus into ``out`` and return the folder.

    Parameters
    ----------
    preset
        ``"tiny"``, ``"workshop"``, ``"full"`` or a :class:`Preset`.
    out
        Output folder. If it already holds a corpus with other settings,
        :class:`CorpusMismatchError` is raised and nothing is touched.
    seed
        Seed of the plan; the same seed gives the same corpus, byte for byte.
    workers
        Processes to render with (default: all cores).
    verify
        Check every file of a finished corpus and render again the tracks whose files are
        missing or empty (a damaged corpus); without it, a finished corpus is returned as is.
    """
    from tqdm import tqdm

    if isinstance(preset, str):
        if preset not in PRESETS:
            raise ValueError(f"Unknown preset {preset!r}; choose one of {sorted(PRESETS)}.")
        preset = PRESETS[preset]
    out = Path(out).expanduser()
    workers = max(1, workers or os.cpu_count() or 1)
    settings = corpus_settings(preset, seed, sample_rate)

    foreign = sorted(
        p.name for p in (out.iterdir() if out.is_dir() else ()) if p.name not in CORPUS_ENTRIES
    )
    if foreign:
        raise CorpusMismatchError(
            f"{out} holds files that are not a corpus ({', '.join(foreign[:5])}"
            f"{', ...' if len(foreign) > 5 else ''}); the renderer writes only into an empty "
            "folder or a corpus of its own. Choose another --out folder."
        )

    waiting = f"Another process is rendering {out}; waiting for it to finish..."
    with file_lock(out / ".lock", waiting):
        manifest = out / "corpus.json"
        if manifest.is_file() and read_json(manifest) != settings:
            raise CorpusMismatchError(
                f"{out} holds a corpus rendered with {read_json(manifest)}, not {settings}. "
                "Choose another --out folder, or delete this one to render it anew."
            )
        if is_complete(out, preset, seed, sample_rate):
            damaged = damaged_tracks(out) if verify else []
            if not damaged:
                return out
            print(
                f"{len(damaged)} damaged tracks in {out} ({', '.join(damaged[:3])}"
                f"{', ...' if len(damaged) > 3 else ''}): rendering them again."
            )
            for track_id in damaged:
                (out / ".tracks" / f"{track_id}.json").unlink(missing_ok=True)
            (out / "metadata.csv").unlink()
        write_json(manifest, settings)
        # Temporary files of an interrupted run: orphans, since we hold the folder's lock.
        for leftover in _own_temporary_files(out):
            leftover.unlink()

        jobs = plan(preset, seed)
        records = out / ".tracks"
        todo = [j for j in jobs if not (records / f"{j.spec.track_id}.json").is_file()]
        music = [j for j in todo if isinstance(j, MusicJob)]
        speech = [j for j in todo if isinstance(j, SpeechJob)]
        bar = tqdm(
            total=len(jobs),
            initial=len(jobs) - len(todo),
            unit="clip",
            desc=f"Rendering the {preset.name} corpus",
            disable=not progress,
        )
        with contextlib.ExitStack() as stack:
            futures = []
            if music and workers > 1:
                pool = stack.enter_context(
                    ProcessPoolExecutor(
                        workers, mp_context=_context(), initializer=_ignore_interrupts
                    )
                )
                futures += [pool.submit(render_job, j, out, sample_rate) for j in music]
            if speech:
                # eSpeak NG keeps state between utterances: one fresh process per speech clip.
                fresh = stack.enter_context(
                    ProcessPoolExecutor(
                        workers,
                        mp_context=_context(),
                        initializer=_ignore_interrupts,
                        max_tasks_per_child=1,
                    )
                )
                futures += [fresh.submit(render_job, j, out, sample_rate) for j in speech]
            try:
                if music and workers == 1:
                    for job in music:
                        render_job(job, out, sample_rate)
                        bar.update()
                for future in as_completed(futures):
                    future.result()
                    bar.update()
            except BaseException:
                # Ctrl-C or a failed clip: drop the queued clips rather than render them all
                # before stopping. Finished clips stay; the next run renders only the others.
                for future in futures:
                    future.cancel()
                raise
            finally:
                bar.close()

        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=METADATA_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(read_json(records / f"{j.spec.track_id}.json") for j in jobs)
        write_text(out / "metadata.csv", buffer.getvalue())
    return out
