"""Speech clips from eSpeak NG (through the ``espeakng-loader`` wheel: no system library, no
model download), with varied languages, voices, rates and pitches.

eSpeak NG keeps internal state between utterances that its random seed does not reset, so the
same sentence rendered twice in one process differs slightly. :func:`render_speech` must
therefore run in a fresh process for each clip; the corpus generator does that (a process pool
whose workers serve one clip each), which makes every clip independent of render order.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import numpy as np

from common.data.synthetic.production import Production

ESPEAK_SAMPLE_RATE = 22050
_OUTPUT_SYNCHRONOUS = 2
_RATE, _PITCH, _RANGE = 1, 3, 4
_CHARS_UTF8 = 1

#: Voice variants of eSpeak NG used for speakers (male m1-m7, female f1-f5, Klatt voices).
VARIANTS = (
    "m1",
    "m2",
    "m3",
    "m4",
    "m5",
    "m6",
    "m7",
    "f1",
    "f2",
    "f3",
    "f4",
    "f5",
    "klatt",
    "klatt2",
    "klatt3",
    "klatt4",
    "croak",
)

#: Sentence parts per language; a sentence is one item from each column.
GRAMMAR = {
    "en": (
        (
            "The old fisherman",
            "My neighbour",
            "A young student",
            "The mayor",
            "Our teacher",
            "The little girl",
            "Everyone in the village",
            "The train driver",
        ),
        (
            "walked slowly to",
            "talked for hours about",
            "was thinking of",
            "never forgot",
            "wrote a letter about",
            "laughed at",
            "dreamed of",
            "asked me about",
        ),
        (
            "the harbour",
            "the summer festival",
            "a forgotten song",
            "the morning news",
            "the price of bread",
            "the long winter",
            "the red bicycle",
            "the new library",
        ),
        (
            "yesterday evening.",
            "before the rain started.",
            "without saying a word.",
            "all afternoon.",
            "once again.",
            "in the quiet kitchen.",
            "after the meeting.",
        ),
    ),
    "de": (
        (
            "Der alte Fischer",
            "Meine Nachbarin",
            "Ein junger Student",
            "Die Lehrerin",
            "Das kleine Kind",
            "Der Bürgermeister",
            "Unser Großvater",
        ),
        (
            "sah gestern",
            "beschrieb lange",
            "suchte wieder",
            "vergaß nie",
            "malte heimlich",
            "erwähnte oft",
        ),
        (
            "den Hafen",
            "das Sommerfest",
            "ein vergessenes Lied",
            "die Nachrichten",
            "den langen Winter",
            "das rote Fahrrad",
            "die neue Bibliothek",
        ),
        (
            "gestern Abend.",
            "bevor der Regen kam.",
            "ohne ein Wort zu sagen.",
            "den ganzen Nachmittag.",
            "noch einmal.",
            "in der stillen Küche.",
        ),
    ),
    "fr": (
        (
            "Le vieux pêcheur",
            "Ma voisine",
            "Un jeune étudiant",
            "Le maire",
            "Notre professeur",
            "La petite fille",
            "Tout le village",
        ),
        (
            "a vu",
            "se rappelait",
            "a décrit longuement",
            "aimait beaucoup",
            "a cherché",
            "nous a raconté",
        ),
        (
            "la fête d'été",
            "une chanson oubliée",
            "les nouvelles du matin",
            "le prix du pain",
            "le long hiver",
            "la bicyclette rouge",
            "la nouvelle bibliothèque",
        ),
        (
            "hier soir.",
            "avant la pluie.",
            "sans dire un mot.",
            "tout l'après-midi.",
            "encore une fois.",
            "dans la cuisine silencieuse.",
        ),
    ),
    "es": (
        (
            "El viejo pescador",
            "Mi vecina",
            "Un joven estudiante",
            "El alcalde",
            "Nuestra maestra",
            "La niña pequeña",
            "Todo el pueblo",
        ),
        ("vio", "recordaba", "describió", "buscaba", "nos contó", "pintó"),
        (
            "el puerto",
            "la fiesta de verano",
            "una canción olvidada",
            "las noticias de la mañana",
            "el largo invierno",
            "la bicicleta roja",
            "la nueva biblioteca",
        ),
        (
            "ayer por la tarde.",
            "antes de la lluvia.",
            "sin decir una palabra.",
            "toda la tarde.",
            "otra vez.",
            "en la cocina tranquila.",
        ),
    ),
    "it": (
        (
            "Il vecchio pescatore",
            "La mia vicina",
            "Un giovane studente",
            "Il sindaco",
            "La nostra maestra",
            "La bambina",
            "Tutto il paese",
        ),
        ("ha visto", "ricordava", "ha descritto", "amava", "ha cercato", "ci ha raccontato"),
        (
            "il porto",
            "la festa d'estate",
            "una canzone dimenticata",
            "le notizie del mattino",
            "il lungo inverno",
            "la bicicletta rossa",
            "la nuova biblioteca",
        ),
        (
            "ieri sera.",
            "prima della pioggia.",
            "senza dire una parola.",
            "tutto il pomeriggio.",
            "ancora una volta.",
            "nella cucina silenziosa.",
        ),
    ),
}

LANGUAGE_NAMES = {"en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian"}


@dataclass(frozen=True)
class Speaker:
    """A synthetic speaker: a language, a voice variant and a personal pitch, rate and range."""

    language: str
    variant: str
    pitch: int  # eSpeak pitch, 0-100 (50 is the voice's default)
    rate: int  # words per minute
    pitch_range: int  # intonation range, 0-100

    @property
    def speaker_id(self) -> str:
        return f"{self.language}-{self.variant}-p{self.pitch}"


@dataclass(frozen=True)
class SpeechSpec:
    track_id: str
    speaker: Speaker
    seed: int
    duration: float  # seconds
    loudness_db: float  # RMS of the clip, dBFS


def sentences(language: str, rng: np.random.Generator, n: int) -> list[str]:
    """``n`` random sentences from the grammar of ``language``."""
    columns = GRAMMAR[language]
    return [" ".join(column[rng.integers(len(column))] for column in columns) for _ in range(n)]


class _ESpeak:
    """Minimal ctypes binding to libespeak-ng in synchronous mode."""

    def __init__(self):
        import espeakng_loader

        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        rate = self.lib.espeak_Initialize(
            _OUTPUT_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), 0
        )
        if rate <= 0:
            raise RuntimeError("eSpeak NG failed to initialise; reinstall espeakng-loader.")
        self.sample_rate = rate
        self.chunks: list[np.ndarray] = []
        prototype = ctypes.CFUNCTYPE(
            ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
        )
        self._callback = prototype(self._collect)  # keep a reference: C holds the pointer
        self.lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, samples, n_samples, _events) -> int:
        if n_samples > 0:
            self.chunks.append(np.ctypeslib.as_array(samples, shape=(n_samples,)).copy())
        return 0

    def say(self, text: str, speaker: Speaker, seed: int) -> np.ndarray:
        voice = f"{speaker.language}+{speaker.variant}".encode()
        if self.lib.espeak_SetVoiceByName(voice) != 0:
            raise RuntimeError(f"eSpeak NG has no voice {voice.decode()!r}.")
        self.lib.espeak_SetParameter(_RATE, speaker.rate, 0)
        self.lib.espeak_SetParameter(_PITCH, speaker.pitch, 0)
        self.lib.espeak_SetParameter(_RANGE, speaker.pitch_range, 0)
        self.lib.espeak_ng_SetRandSeed(ctypes.c_long(seed))
        self.chunks = []
        data = text.encode("utf-8")
        self.lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, _CHARS_UTF8, None, None)
        self.lib.espeak_Synchronize()
        if not self.chunks:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(self.chunks).astype(np.float32) / 32768.0


def render_speech(spec: SpeechSpec, sample_rate: int) -> tuple[np.ndarray, list[str]]:
    """Speak sentences with pauses until the clip is full; return int16 audio and the text.

    Run it in a fresh process for each clip (see the module docstring).
    """
    rng = np.random.default_rng(spec.seed)
    engine = _ESpeak()
    n_target = int(round(spec.duration * engine.sample_rate))
    pieces = [np.zeros(int(rng.uniform(0.05, 0.4) * engine.sample_rate), np.float32)]
    texts: list[str] = []
    while sum(len(p) for p in pieces) < n_target:
        text = sentences(spec.speaker.language, rng, 1)[0]
        texts.append(text)
        pieces.append(engine.say(text, spec.speaker, int(rng.integers(2**31))))
        pieces.append(np.zeros(int(rng.uniform(0.25, 0.7) * engine.sample_rate), np.float32))
    signal = np.concatenate(pieces)[:n_target]
    # A room and a microphone of its own, so that dryness does not give speech away.
    signal = Production.random(rng).apply(signal, engine.sample_rate, seed=spec.seed)
    if sample_rate != engine.sample_rate:
        from common.audio.io import resample

        signal = resample(signal, engine.sample_rate, sample_rate)
    rms = float(np.sqrt(np.mean(signal**2)))
    gain = 10 ** (spec.loudness_db / 20) / max(rms, 1e-9)
    gain = min(gain, 0.98 / max(float(np.abs(signal).max()), 1e-9))
    return np.round(signal * gain * 32767).astype(np.int16), texts
