"""Small but real MP4 and M4A files: an H.264 video track and a silent AAC-LC audio track."""

from __future__ import annotations

import functools
import struct
from collections.abc import Callable
from dataclasses import dataclass

#: AAC-LC at 8 kHz mono: the smallest standard rate keeps hour-long files near 100 KB.
AUDIO_RATE = 8000
AAC_FRAME_SAMPLES = 1024
#: One video frame every two seconds (variable-rate MP4 allows it); an IDR every five minutes.
VIDEO_TIMESCALE = 1000
VIDEO_FRAME_MS = 2000
GOP_FRAMES = 150
WIDTH = HEIGHT = 16  # one macroblock: an I_PCM keyframe is then under 400 bytes
_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
_AUDIO_SPECIFIC_CONFIG = bytes([0x15, 0x88])  # AAC-LC (2), 8000 Hz (index 11), 1 channel


class _Bits:
    """An MSB-first bit writer with H.264 Exp-Golomb codes."""

    def __init__(self) -> None:
        self.bits: list[int] = []

    def u(self, width: int, value: int) -> None:
        self.bits.extend((value >> (width - 1 - i)) & 1 for i in range(width))

    def ue(self, value: int) -> None:
        code = value + 1
        self.u(code.bit_length() * 2 - 1, code)

    def se(self, value: int) -> None:
        self.ue(2 * value - 1 if value > 0 else -2 * value)

    def align_zero(self) -> None:
        while len(self.bits) % 8:
            self.bits.append(0)

    def trailing(self) -> bytes:
        """rbsp_trailing_bits: a stop bit, then zeros to the byte boundary."""
        self.bits.append(1)
        self.align_zero()
        return self.to_bytes()

    def to_bytes(self) -> bytes:
        out = bytearray()
        for i in range(0, len(self.bits), 8):
            byte = 0
            for bit in self.bits[i : i + 8]:
                byte = (byte << 1) | bit
            out.append(byte)
        return bytes(out)


def _nal(ref_idc: int, unit_type: int, rbsp: bytes) -> bytes:
    """A NAL unit with emulation prevention (no 00 00 0x inside the payload)."""
    out = bytearray([(ref_idc << 5) | unit_type])
    zeros = 0
    for byte in rbsp:
        if zeros >= 2 and byte <= 3:
            out.append(3)
            zeros = 0
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


@functools.lru_cache(maxsize=1)
def _sps() -> bytes:
    bits = _Bits()
    bits.u(8, 66)  # Constrained Baseline
    bits.u(8, 0xC0)
    bits.u(8, 10)  # level 1.0
    for value in (0, 0, 2, 1):  # sps id, log2_max_frame_num-4, poc type 2, max refs
        bits.ue(value)
    bits.u(1, 0)
    bits.ue(WIDTH // 16 - 1)
    bits.ue(HEIGHT // 16 - 1)
    bits.u(1, 1)  # frame_mbs_only
    bits.u(1, 1)  # direct_8x8_inference
    bits.u(1, 0)  # no cropping
    bits.u(1, 0)  # no VUI
    return _nal(3, 7, bits.trailing())


@functools.lru_cache(maxsize=1)
def _pps() -> bytes:
    bits = _Bits()
    bits.ue(0)
    bits.ue(0)
    bits.u(1, 0)  # CAVLC
    bits.u(1, 0)
    bits.ue(0)
    bits.ue(0)
    bits.ue(0)
    bits.u(1, 0)
    bits.u(2, 0)
    bits.se(0)
    bits.se(0)
    bits.se(0)
    bits.u(1, 1)  # deblocking filter control present
    bits.u(1, 0)
    bits.u(1, 0)
    return _nal(3, 8, bits.trailing())


@functools.lru_cache(maxsize=64)
def _idr(shade: int) -> bytes:
    """A keyframe whose only macroblock is I_PCM: raw samples, no entropy coding needed."""
    bits = _Bits()
    bits.ue(0)  # first_mb_in_slice
    bits.ue(7)  # I slice
    bits.ue(0)
    bits.u(4, 0)  # frame_num
    bits.ue(0)  # idr_pic_id
    bits.u(1, 0)
    bits.u(1, 0)  # dec_ref_pic_marking
    bits.se(0)  # slice_qp_delta
    bits.ue(1)  # deblocking off
    bits.ue(25)  # mb_type I_PCM
    bits.align_zero()
    luma = bytes(16 + (shade + row * 16 + col) % 220 for row in range(16) for col in range(16))
    rbsp = bits.to_bytes() + luma + bytes([128]) * 128
    return _nal(3, 5, rbsp + b"\x80")


@functools.lru_cache(maxsize=16)
def _skip_frame(frame_num: int) -> bytes:
    """A P frame that repeats the previous picture: every macroblock skipped."""
    bits = _Bits()
    bits.ue(0)
    bits.ue(5)  # P slice
    bits.ue(0)
    bits.u(4, frame_num)
    bits.u(1, 0)  # num_ref_idx_active_override
    bits.u(1, 0)  # ref_pic_list_modification
    bits.u(1, 0)  # adaptive_ref_pic_marking
    bits.se(0)
    bits.ue(1)
    bits.ue((WIDTH // 16) * (HEIGHT // 16))  # mb_skip_run
    return _nal(2, 1, bits.trailing())


def _silent_aac_frame() -> bytes:
    """One raw AAC-LC frame of silence: SCE with max_sfb 0, then END."""
    bits = _Bits()
    bits.u(3, 0)  # ID_SCE
    bits.u(4, 0)
    bits.u(8, 100)  # global_gain (unused with no bands)
    bits.u(1, 0)  # ics_reserved_bit
    bits.u(2, 0)  # ONLY_LONG_SEQUENCE
    bits.u(1, 0)
    bits.u(6, 0)  # max_sfb
    bits.u(1, 0)  # predictor_data_present
    bits.u(3, 0)  # pulse, tns, gain control absent
    bits.u(3, 7)  # ID_END
    bits.align_zero()
    return bits.to_bytes()


SILENT_AAC = _silent_aac_frame()


def box(kind: bytes, *parts: bytes) -> bytes:
    """An ISO BMFF box."""
    payload = b"".join(parts)
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def full_box(kind: bytes, version: int, flags: int, *parts: bytes) -> bytes:
    """An ISO BMFF full box (version and flags)."""
    return box(kind, struct.pack(">I", (version << 24) | flags), *parts)


def _descriptor(tag: int, payload: bytes) -> bytes:
    return bytes([tag, len(payload)]) + payload


@dataclass(frozen=True, slots=True)
class Track:
    """One track's samples, as the sample tables describe them."""

    handler: bytes
    timescale: int
    deltas: list[tuple[int, int]]  # (count, delta) runs for stts
    sizes: list[int]
    sync: list[int] | None  # 1-based sync samples; None = all
    entry: bytes

    @property
    def duration(self) -> int:
        return sum(count * delta for count, delta in self.deltas)


Payload = Callable[[], bytes]


def _video_sample(index: int, shade: int) -> bytes:
    gop_index = index % GOP_FRAMES
    nal = _idr(shade) if gop_index == 0 else _skip_frame(gop_index % 16)
    return struct.pack(">I", len(nal)) + nal


def _video_track(seconds: int, shade: int) -> tuple[Track, Payload]:
    frames = max(1, -(-seconds * 1000 // VIDEO_FRAME_MS))
    last = seconds * 1000 - (frames - 1) * VIDEO_FRAME_MS
    deltas = [(frames - 1, VIDEO_FRAME_MS)] if frames > 1 else []
    deltas.append((1, last))
    sizes = [len(_video_sample(index, shade)) for index in range(min(frames, GOP_FRAMES))]
    sizes = (sizes * (frames // GOP_FRAMES + 1))[:frames]
    sps, pps = _sps(), _pps()
    avcc = box(
        b"avcC",
        bytes([1, sps[1], sps[2], sps[3], 0xFF, 0xE1]),
        struct.pack(">H", len(sps)) + sps,
        b"\x01" + struct.pack(">H", len(pps)) + pps,
    )
    entry = box(
        b"avc1",
        bytes(6) + struct.pack(">H", 1) + bytes(16),
        struct.pack(">HHIIIH", WIDTH, HEIGHT, 0x480000, 0x480000, 0, 1),
        bytes(32) + struct.pack(">Hh", 0x18, -1),
        avcc,
    )
    sync = list(range(1, frames + 1, GOP_FRAMES))
    track = Track(b"vide", VIDEO_TIMESCALE, deltas, sizes, sync, entry)
    return track, lambda: b"".join(_video_sample(index, shade) for index in range(frames))


def _audio_track(seconds: int) -> tuple[Track, Payload]:
    frames = max(1, -(-seconds * AUDIO_RATE // AAC_FRAME_SAMPLES))
    config = _descriptor(
        4,
        bytes([0x40, 0x15, 0, 0, 0])
        + struct.pack(">II", 8000, 8000)
        + _descriptor(5, _AUDIO_SPECIFIC_CONFIG),
    )
    es = b"\x00\x01\x00" + config + _descriptor(6, b"\x02")
    entry = box(
        b"mp4a",
        bytes(6) + struct.pack(">H", 1) + bytes(8),
        struct.pack(">HHHHI", 1, 16, 0, 0, AUDIO_RATE << 16),
        full_box(b"esds", 0, 0, _descriptor(3, es)),
    )
    sizes = [len(SILENT_AAC)] * frames
    track = Track(b"soun", AUDIO_RATE, [(frames, AAC_FRAME_SAMPLES)], sizes, None, entry)
    return track, lambda: SILENT_AAC * frames


def _stbl(track: Track, offset: int) -> bytes:
    stts = b"".join(struct.pack(">II", count, delta) for count, delta in track.deltas)
    uniform = len(set(track.sizes)) == 1
    stsz_table = b"" if uniform else struct.pack(f">{len(track.sizes)}I", *track.sizes)
    stsz_head = struct.pack(">II", track.sizes[0] if uniform else 0, len(track.sizes))
    parts = [
        full_box(b"stsd", 0, 0, struct.pack(">I", 1), track.entry),
        full_box(b"stts", 0, 0, struct.pack(">I", len(track.deltas)), stts),
        full_box(b"stsz", 0, 0, stsz_head, stsz_table),
        full_box(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, len(track.sizes), 1)),
        full_box(b"stco", 0, 0, struct.pack(">II", 1, offset)),
    ]
    if track.sync is not None:
        sync = struct.pack(f">I{len(track.sync)}I", len(track.sync), *track.sync)
        parts.insert(2, full_box(b"stss", 0, 0, sync))
    return box(b"stbl", *parts)


def _trak(track: Track, track_id: int, offset: int, movie_duration: int) -> bytes:
    video = track.handler == b"vide"
    tkhd = full_box(
        b"tkhd",
        0,
        3,
        struct.pack(">IIIII", 0, 0, track_id, 0, movie_duration),
        bytes(8) + struct.pack(">hhhH", 0, 0, 0 if video else 0x100, 0),
        _MATRIX,
        struct.pack(">II", (WIDTH << 16) if video else 0, (HEIGHT << 16) if video else 0),
    )
    header = struct.pack(">IIIIHH", 0, 0, track.timescale, track.duration, 0x55C4, 0)
    mdhd = full_box(b"mdhd", 0, 0, header)
    name = b"VideoHandler\x00" if video else b"SoundHandler\x00"
    hdlr = full_box(b"hdlr", 0, 0, struct.pack(">I4s", 0, track.handler), bytes(12), name)
    media_header = full_box(b"vmhd", 0, 1, bytes(8)) if video else full_box(b"smhd", 0, 0, bytes(4))
    dinf = box(b"dinf", full_box(b"dref", 0, 0, struct.pack(">I", 1), full_box(b"url ", 0, 1)))
    minf = box(b"minf", media_header, dinf, _stbl(track, offset))
    return box(b"trak", tkhd, box(b"mdia", mdhd, hdlr, minf))


def _layout(seconds: int, video: bool, shade: int) -> tuple[bytes, list[Payload], bytes, int]:
    """ftyp, the payload makers, moov and the mdat payload length of one file."""
    seconds = max(1, seconds)
    if video:
        ftyp = box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isomiso2avc1mp41")
    else:
        ftyp = box(b"ftyp", b"M4A ", struct.pack(">I", 0), b"M4A isomiso2mp41")
    tracks = [_video_track(seconds, shade)] if video else []
    tracks.append(_audio_track(seconds))
    offset = len(ftyp) + 8
    movie_duration = seconds * 1000
    traks = []
    for track_id, (track, _) in enumerate(tracks, start=1):
        traks.append(_trak(track, track_id, offset, movie_duration))
        offset += sum(track.sizes)
    mvhd = full_box(
        b"mvhd",
        0,
        0,
        struct.pack(">IIIIIH", 0, 0, 1000, movie_duration, 0x10000, 0x100),
        bytes(10),
        _MATRIX,
        bytes(24),
        struct.pack(">I", len(tracks) + 1),
    )
    data_length = offset - len(ftyp) - 8
    return ftyp, [payload for _, payload in tracks], box(b"moov", mvhd, *traks), data_length


def build(seconds: int, *, video: bool, shade: int = 0) -> bytes:
    """An MP4 (``video=True``) or M4A of ``seconds`` length: ftyp, mdat, then moov."""
    ftyp, payloads, moov, length = _layout(seconds, video, shade)
    mdat = struct.pack(">I4s", 8 + length, b"mdat") + b"".join(payload() for payload in payloads)
    return ftyp + mdat + moov


def size(seconds: int, *, video: bool) -> int:
    """The byte length ``build`` gives, without generating the media data."""
    ftyp, _, moov, length = _layout(seconds, video, 0)
    return len(ftyp) + 8 + length + len(moov)
