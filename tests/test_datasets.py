"""Real-dataset loaders, on small fixtures written in the real on-disk layouts."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import soundfile

from common.data import by_split
from common.data.datasets import load_tracks
from common.data.datasets.base import DatasetFormatError, DatasetNotFoundError
from common.data.datasets.gtzan import load_gtzan
from common.data.datasets.magnatagatune import load_magnatagatune
from common.data.datasets.mtg_jamendo import load_mtg_jamendo

pytestmark = pytest.mark.backend_free  # the same on every backend

GENRES = ("blues", "reggae")


def make_gtzan(root, folder="genres", extension="wav", per_genre=10):
    rng = np.random.default_rng(0)
    for genre in GENRES:
        (root / folder / genre).mkdir(parents=True)
        for i in range(per_genre):
            signal = 0.1 * rng.standard_normal(22050).astype(np.float32)
            soundfile.write(root / folder / genre / f"{genre}.{i:05d}.{extension}", signal, 22050)
    return root


def test_gtzan_layout_with_a_broken_file(tmp_path):
    make_gtzan(tmp_path)
    (tmp_path / "genres" / "blues" / "blues.00054.wav").write_bytes(b"RIFF not really audio")
    with pytest.warns(UserWarning) as caught:
        tracks = load_gtzan(tmp_path)
    messages = " ".join(str(w.message) for w in caught)
    assert "blues.00054.wav" in messages and "random split" in messages
    assert len(tracks) == 20 and {t.genre for t in tracks} == set(GENRES)
    track = tracks[0]
    assert track.dataset == "gtzan" and track.kind == "music" and track.duration == 1.0
    assert track.audio().shape == (22050,)
    splits = by_split(tracks)
    assert [len(splits[s]) for s in ("train", "valid", "test")] == [16, 2, 2]
    assert not track.has("beats")


def test_kaggle_layout_and_au_files(tmp_path):
    make_gtzan(tmp_path / "gtzan", folder="genres_original", extension="au", per_genre=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tracks = load_gtzan(tmp_path)
    assert len(tracks) == 6 and all(t.audio_path.suffix == ".au" for t in tracks)


def test_fault_filtered_split_files_are_used(tmp_path):
    make_gtzan(tmp_path, per_genre=3)
    splits = tmp_path / "splits"
    splits.mkdir()
    (splits / "train_filtered.txt").write_text(
        "blues/blues.00000.wav\nblues/blues.00001.wav\nreggae/reggae.00000.wav\n"
    )
    (splits / "valid_filtered.txt").write_text("reggae/reggae.00001.wav\n")
    (splits / "test_filtered.txt").write_text("blues/blues.00002.wav\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no random-split warning may be raised
        tracks = load_gtzan(tmp_path)
    assert {t.track_id: t.split for t in tracks} == {
        "blues.00000": "train",
        "blues.00001": "train",
        "reggae.00000": "train",
        "reggae.00001": "valid",
        "blues.00002": "test",
    }  # reggae.00002 is filtered out, as in the published split


def test_missing_dataset_names_the_command(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="mirdata.initialize"):
        load_tracks("gtzan", data_home=tmp_path)
    with pytest.raises(ValueError, match="Unknown dataset"):
        load_tracks("gtzan2000")


def test_synthetic_by_name(tiny_corpus):
    tracks = load_tracks("synthetic", size="tiny")
    assert len(tracks) == len(tiny_corpus)


# ---------------------------------------------------------------------------------------------
# MP3 fixtures
# ---------------------------------------------------------------------------------------------

#: libsndfile encodes MP3 from version 1.1 on. With an older build the fixtures hold WAV data
#: under the .mp3 names: libsndfile picks the decoder from the file's header, not its name, so
#: the loaders still read them, but MP3 decoding itself is then not exercised.
MP3_WRITABLE = "MP3" in soundfile.available_formats()


def write_mp3(path, seconds=0.5, rate=16000, seed=0):
    path.parent.mkdir(parents=True, exist_ok=True)
    n = int(seconds * rate)
    signal = 0.3 * np.sin(2 * np.pi * 440 * np.arange(n) / rate)
    signal += 0.01 * np.random.default_rng(seed).standard_normal(n)
    soundfile.write(path, signal.astype(np.float32), rate, format="MP3" if MP3_WRITABLE else "WAV")
    return path


def test_mp3_fixtures_are_what_they_claim(tmp_path):
    info = soundfile.info(write_mp3(tmp_path / "x.mp3"))
    assert info.format == ("MP3" if MP3_WRITABLE else "WAV") and info.samplerate == 16000


# ---------------------------------------------------------------------------------------------
# MTG-Jamendo: a clone of the official repository and audio unpacked by its download script
# ---------------------------------------------------------------------------------------------

HEADER = "TRACK_ID\tARTIST_ID\tALBUM_ID\tPATH\tDURATION\tTAGS\n"
MOODTHEME = {
    "train": [
        "track_0003346\tartist_000517\talbum_000521\t46/3346.mp3\t195.0\t"
        "mood/theme---calm\tmood/theme---melodic",
        "track_0087483\tartist_003177\talbum_008387\t83/87483.mp3\t216.0\t"
        "mood/theme---positive\tmood/theme---space",
        "track_1026811\tartist_370789\talbum_120715\t11/1026811.mp3\t215.3\t"
        "mood/theme---slow\tmood/theme---sad",
    ],
    "validation": [
        "track_0917542\tartist_378901\talbum_108650\t42/917542.mp3\t184.8\tmood/theme---happy",
    ],
    "test": [
        "track_1195900\tartist_003944\talbum_143935\t00/1195900.mp3\t103.0\t"
        "mood/theme---corporate\tmood/theme---happy",
    ],
}
ALL_TAGS = {
    "train": [
        "track_0008560\tartist_001301\talbum_001290\t60/8560.mp3\t381.0\tgenre---jazz\t"
        "genre---pop\tinstrument---bass\tinstrument---guitar\tinstrument---piano",
        "track_0003347\tartist_000517\talbum_000521\t47/3347.mp3\t201.8\tgenre---pop\t"
        "genre---rock\tmood/theme---calm\tmood/theme---melodic",
    ],
    "validation": [
        "track_0009830\tartist_001491\talbum_001465\t30/9830.mp3\t212.2\tgenre---metal\t"
        "genre---rock\tmood/theme---heavy",
    ],
    "test": [
        "track_0000773\tartist_000104\talbum_000126\t73/773.mp3\t275.3\tinstrument---piano\t"
        "mood/theme---calm",
    ],
}


def make_mtg_jamendo(home, skip=(), full_quality=()):
    """The layout the fetch command of the loader's error message produces."""
    base = home / "mtg_jamendo"
    splits = base / "mtg-jamendo-dataset" / "data" / "splits" / "split-0"
    splits.mkdir(parents=True)
    for stem, table in (("autotagging_moodtheme", MOODTHEME), ("autotagging", ALL_TAGS)):
        for split, rows in table.items():
            (splits / f"{stem}-{split}.tsv").write_text(HEADER + "\n".join(rows) + "\n")
            for i, row in enumerate(rows):
                path = row.split("\t")[3]
                if path in skip:
                    continue
                name = path if path in full_quality else path.replace(".mp3", ".low.mp3")
                write_mp3(base / "audio" / name, rate=22050, seed=i)
    return home


def test_mtg_jamendo_moodtheme_split(tmp_path):
    make_mtg_jamendo(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every file is there: nothing to warn about
        tracks = load_tracks("mtg_jamendo", data_home=tmp_path)
    by_id = {t.track_id: t for t in tracks}
    assert len(tracks) == 5
    assert {t.track_id: t.split for t in tracks} == {
        "track_0003346": "train",
        "track_0087483": "train",
        "track_1026811": "train",
        "track_0917542": "valid",
        "track_1195900": "test",
    }
    track = by_id["track_1195900"]
    assert track.dataset == "mtg_jamendo" and track.kind == "music"
    assert track.moods == ("corporate", "happy") and track.tags == ("corporate", "happy")
    assert track.genre is None and track.instruments == ()
    assert track.duration == 103.0  # from the metadata, not from the (shortened) file
    assert track.audio_path.name == "1195900.low.mp3" and track.audio_path.parent.name == "00"
    signal = track.audio()
    assert signal.dtype == np.float32 and abs(len(signal) - 11025) < 1200
    assert set(by_split(tracks)) == {"train", "valid", "test"}


def test_mtg_jamendo_all_categories_and_full_quality_first(tmp_path):
    make_mtg_jamendo(tmp_path, full_quality={"60/8560.mp3"})
    (tmp_path / "mtg_jamendo" / "audio" / "60" / "8560.low.mp3").write_bytes(b"")  # unused
    tracks = {t.track_id: t for t in load_mtg_jamendo(tmp_path, subset="all")}
    jazz = tracks["track_0008560"]
    assert jazz.genre == "jazz" and jazz.moods == ()
    assert jazz.instruments == ("bass", "guitar", "piano")
    assert jazz.tags == ("jazz", "pop", "bass", "guitar", "piano")
    assert jazz.audio_path.name == "8560.mp3" and jazz.audio().size > 0
    heavy = tracks["track_0009830"]
    assert (heavy.split, heavy.genre, heavy.moods) == ("valid", "metal", ("heavy",))
    assert heavy.tags == ("metal", "rock", "heavy")
    piano = tracks["track_0000773"]
    assert piano.genre is None and piano.instruments == ("piano",) and piano.moods == ("calm",)


def test_mtg_jamendo_skips_missing_audio_with_a_warning(tmp_path):
    make_mtg_jamendo(tmp_path, skip={"83/87483.mp3"})
    with pytest.warns(UserWarning, match="83/87483.mp3"):
        tracks = load_mtg_jamendo(tmp_path)
    assert "track_0087483" not in {t.track_id for t in tracks} and len(tracks) == 4


def test_mtg_jamendo_missing_names_the_download_script(tmp_path):
    with pytest.raises(DatasetNotFoundError) as caught:
        load_tracks("mtg_jamendo", data_home=tmp_path)
    message = str(caught.value)
    assert "git clone https://github.com/MTG/mtg-jamendo-dataset.git" in message
    assert (
        "python3 scripts/download/download.py --dataset autotagging_moodtheme --type audio-low "
        f"{tmp_path / 'mtg_jamendo' / 'audio'} --unpack --remove"
    ) in message
    assert f"--data-home {tmp_path}" in message
    with pytest.raises(DatasetNotFoundError, match="--dataset raw_30s"):
        load_mtg_jamendo(tmp_path, subset="genre")  # other subsets need all of raw_30s
    with pytest.raises(ValueError, match="Unknown MTG-Jamendo subset"):
        load_mtg_jamendo(tmp_path, subset="moods")


def test_mtg_jamendo_metadata_without_audio(tmp_path):
    make_mtg_jamendo(tmp_path)
    for path in sorted((tmp_path / "mtg_jamendo" / "audio").rglob("*.mp3")):
        path.unlink()
    with pytest.raises(DatasetNotFoundError, match="but no audio") as caught:
        load_mtg_jamendo(tmp_path)
    assert "download.py" in str(caught.value)
    with pytest.raises(DatasetNotFoundError, match="split-3"):
        load_mtg_jamendo(tmp_path, split_index=3)


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("TRACK_ID,ARTIST_ID,ALBUM_ID,PATH,DURATION,TAGS\n", "first line should start"),
        (
            HEADER + "track_0000001\tartist_1\talbum_1\t01/1.mp3\tlong\tmood/theme---sad\n",
            "DURATION",
        ),
        (
            HEADER + "track_0000001\tartist_1\talbum_1\t01/1.mp3\t31.0\thappy\n",
            "line 2: tag 'happy'",
        ),
        (HEADER + "track_0000001\tartist_1\n", "at least 5"),
    ],
)
def test_mtg_jamendo_malformed_file(tmp_path, content, error):
    make_mtg_jamendo(tmp_path)
    split = tmp_path / "mtg_jamendo" / "mtg-jamendo-dataset" / "data" / "splits" / "split-0"
    (split / "autotagging_moodtheme-test.tsv").write_text(content)
    with pytest.raises(DatasetFormatError, match=error) as caught:
        load_mtg_jamendo(tmp_path)
    assert "autotagging_moodtheme-test.tsv" in str(caught.value)


# ---------------------------------------------------------------------------------------------
# MagnaTagATune: annotations_final.csv and the folders 0..f of the unpacked zip parts
# ---------------------------------------------------------------------------------------------

MTT_TAGS = ("no voice", "singer", "guitar", "classical", "slow", "techno")
#: clip_id, tag values in MTT_TAGS order, mp3_path.
MTT_CLIPS = [
    ("2", "001010", "f/american_bach_soloists-j_s__bach_solo_cantatas-01-bwv54__i_aria-30-59.mp3"),
    ("6", "011100", "0/tilopa-turkishauch-01-oe_no_naka-0-29.mp3"),
    ("10", "001110", "5/domased-new_memories-02-sunday_morning-88-117.mp3"),
    ("14", "000001", "b/electric_frankenstein-conquers_the_world-03-action_high-30-59.mp3"),
    ("19", "100000", "c/jeff_wahl-guitarscapes-05-spanish_moss-146-175.mp3"),
    ("23", "001000", "d/rapoon-easterly_6_or_7-07-the_same_river_once-59-88.mp3"),
    ("31", "000000", "e/magnatune-classical-01-untagged-0-29.mp3"),
]


def write_annotations(path, clips=MTT_CLIPS):
    """Tab-separated, every field in double quotes, CRLF line ends, as in the distribution."""
    lines = ["\t".join(f'"{v}"' for v in ("clip_id", *MTT_TAGS, "mp3_path"))]
    for clip_id, values, mp3_path in clips:
        lines.append("\t".join(f'"{v}"' for v in (clip_id, *values, mp3_path)))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())


def make_magnatagatune(home, empty=()):
    root = home / "magnatagatune"
    root.mkdir(parents=True)
    write_annotations(root / "annotations_final.csv")
    for i, (_, _, mp3_path) in enumerate(MTT_CLIPS):
        if mp3_path in empty:  # the distribution has a few zero-byte clips
            (root / mp3_path).parent.mkdir(parents=True, exist_ok=True)
            (root / mp3_path).write_bytes(b"")
        else:
            write_mp3(root / mp3_path, seed=i)
    return root


def test_magnatagatune_tags_and_folder_splits(tmp_path):
    make_magnatagatune(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tracks = load_tracks("magnatagatune", data_home=tmp_path)
    by_id = {t.track_id: t for t in tracks}
    assert "31" not in by_id  # no tag at all: dropped
    assert {i: t.split for i, t in by_id.items()} == {
        "2": "test",
        "6": "train",
        "10": "train",
        "14": "train",
        "19": "valid",
        "23": "test",
    }
    # Fewer than 50 tags in this file, so the vocabulary is all of them, by frequency.
    assert by_id["10"].tags == ("guitar", "classical", "slow")
    assert by_id["6"].tags == ("guitar", "classical", "singer")
    track = by_id["2"]
    assert track.dataset == "magnatagatune" and track.kind == "music" and track.genre is None
    assert track.audio_path.parent.name == "f" and track.audio_path.name.endswith("-30-59.mp3")
    signal = track.audio(sample_rate=16000)
    assert signal.dtype == np.float32 and abs(len(signal) - 8000) < 1200


def test_magnatagatune_vocabulary_is_the_most_frequent_tags(tmp_path):
    make_magnatagatune(tmp_path)
    tracks = {t.track_id: t for t in load_magnatagatune(tmp_path, n_tags=2)}
    # guitar (4 clips), then classical, which ties with slow (2 clips) and comes first.
    assert {t.tags for t in tracks.values()} <= {("guitar",), ("guitar", "classical")}
    assert set(tracks) == {"2", "6", "10", "23"}
    kept = load_magnatagatune(tmp_path, n_tags=2, drop_untagged=False)
    assert len(kept) == len(MTT_CLIPS) and {t.tags for t in kept if t.track_id == "31"} == {()}


def test_magnatagatune_skips_empty_audio(tmp_path):
    make_magnatagatune(tmp_path, empty={MTT_CLIPS[2][2]})
    with pytest.warns(UserWarning, match="sunday_morning"):
        tracks = load_magnatagatune(tmp_path)
    assert "10" not in {t.track_id for t in tracks} and len(tracks) == 5


def test_magnatagatune_missing_names_the_download(tmp_path):
    with pytest.raises(DatasetNotFoundError) as caught:
        load_tracks("magnatagatune", data_home=tmp_path)
    message = str(caught.value)
    assert "https://mirg.city.ac.uk/datasets/magnatagatune" in message
    assert "mp3.zip.001 mp3.zip.002 mp3.zip.003 annotations_final.csv" in message
    assert "cat mp3.zip.* > mp3_all.zip && unzip" in message
    assert f"--data-home {tmp_path}" in message
    root = tmp_path / "magnatagatune"
    root.mkdir()
    write_annotations(root / "annotations_final.csv")
    with pytest.raises(DatasetNotFoundError, match="none of the audio folders"):
        load_magnatagatune(tmp_path)


@pytest.mark.parametrize(
    ("clip", "error"),
    [
        (("2", "0010", "f/a.mp3"), "line 3: expected 8 tab-separated columns"),
        (("2", "001020", "f/a.mp3"), "line 3: tag columns hold 0 or 1, found '2'"),
        (("2", "001010", "g/a.mp3"), "line 3: mp3_path 'g/a.mp3'"),
    ],
)
def test_magnatagatune_malformed_annotations(tmp_path, clip, error):
    root = make_magnatagatune(tmp_path)
    write_annotations(root / "annotations_final.csv", clips=[MTT_CLIPS[0], clip])
    with pytest.raises(DatasetFormatError, match=error):
        load_magnatagatune(tmp_path)


def test_magnatagatune_comma_separated_file_is_refused(tmp_path):
    root = make_magnatagatune(tmp_path)
    (root / "annotations_final.csv").write_text("clip_id,guitar,mp3_path\n2,1,f/a.mp3\n")
    with pytest.raises(DatasetFormatError, match="starting with clip_id"):
        load_magnatagatune(tmp_path)


# --- beat annotations: GTZAN-Rhythm and Ballroom ----------------------------------------------


def test_gtzan_with_its_rhythm_annotations(tmp_path):
    home = tmp_path / "gtzan_genre"  # mirdata's layout: genres/ and gtzan_tempo_beat-main/
    make_gtzan(home, per_genre=3)
    rhythm = home / "gtzan_tempo_beat-main"
    (rhythm / "beats").mkdir(parents=True)
    (rhythm / "tempo").mkdir()
    for genre in GENRES:
        for i in range(2):  # the third track of each genre has no annotation
            stem = f"gtzan_{genre}_{i:05d}"
            (rhythm / "beats" / f"{stem}.beats").write_text("0.25\t1\n0.75\t2\n1.25\t3\n1.75\t4\n")
            (rhythm / "tempo" / f"{stem}.bpm").write_text("120.5\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the random-split warning
        tracks = load_tracks("gtzan", data_home=tmp_path)
    annotated = [t for t in tracks if t.has("beats")]
    assert len(annotated) == 4 and len(tracks) == 6
    track = next(t for t in annotated if t.track_id == "blues.00001")
    assert track.tempo == 120.5
    np.testing.assert_allclose(track.beats.times, [0.25, 0.75, 1.25, 1.75])
    np.testing.assert_allclose(track.downbeats, [0.25])


def make_ballroom(home, per_dance=11):
    rng = np.random.default_rng(0)
    root = home / "ballroom"
    notes = root / "BallroomAnnotations-master"
    notes.mkdir(parents=True)
    for dance in ("ChaChaCha", "Waltz"):
        (root / "BallroomData" / dance).mkdir(parents=True)
        for i in range(per_dance):
            name = f"Albums-{dance}-{i:02d}"
            signal = 0.1 * rng.standard_normal(22050).astype(np.float32)
            soundfile.write(root / "BallroomData" / dance / f"{name}.wav", signal, 22050)
            if i < per_dance - 1:  # the last excerpt of each dance is not annotated
                meter = 3 if dance == "Waltz" else 4
                lines = "".join(f"{0.5 * b:.3f} {b % meter + 1}\n" for b in range(8))
                (notes / f"{name}.beats").write_text(lines)
    return root


def test_ballroom_layout_split_and_annotations(tmp_path):
    make_ballroom(tmp_path)
    tracks = load_tracks("ballroom", data_home=tmp_path, seed=3)
    assert len(tracks) == 20 and {t.genre for t in tracks} == {"chachacha", "waltz"}
    splits = by_split(tracks)  # 80/10/10 within each dance of 10 annotated excerpts
    assert [len(splits[s]) for s in ("train", "valid", "test")] == [16, 2, 2]
    waltz = next(t for t in tracks if t.genre == "waltz")
    assert waltz.dataset == "ballroom" and waltz.audio().shape == (22050,)
    assert list(waltz.beats.positions[:4]) == [1, 2, 3, 1]
    from common.data.targets import rhythm_of

    rhythm = rhythm_of(waltz)
    assert rhythm.beats_per_bar == 3 and rhythm.tempo == pytest.approx(120.0)
    same = load_tracks("ballroom", data_home=tmp_path, seed=3)
    assert [t.split for t in same] == [t.split for t in tracks]  # the split is reproducible


def test_ballroom_missing_parts_name_the_fix(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="data1.tar.gz"):
        load_tracks("ballroom", data_home=tmp_path)
    (tmp_path / "ballroom" / "BallroomData").mkdir(parents=True)
    with pytest.raises(DatasetNotFoundError, match="BallroomAnnotations"):
        load_tracks("ballroom", data_home=tmp_path)


def test_a_dataset_with_an_empty_split_is_a_clear_error():
    """Too small a dataset (or a partial download) stops with what to do, not a traceback."""
    from types import SimpleNamespace

    from common import InputError
    from common.data import EmptySplitError

    tracks = [SimpleNamespace(split=s) for s in ("train", "train", "test")]
    with pytest.raises(EmptySplitError, match=r"valid split .*2 train, 0 valid, 1 test") as error:
        by_split(tracks)
    assert isinstance(error.value, InputError) and "--data-home" in str(error.value)
