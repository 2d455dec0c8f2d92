"""Decision 766/QĐ-TTg scoring rules as data: indicators, their points, and the rating bands.

An indicator with rate r (0–1) earns ``points × min(1, r ÷ full_at)``; 100 points in all, in five groups (online
service and online payment shown apart, as the national portal does). The defaults transcribe the Government
Office's formula description (a secondary source, see official-methods §4), so officials can correct any value
through ``Scoring.from_dict`` without a release.

Rating bands: only "xuất sắc" (90–100) and "yếu" (< 50) are confirmed. The middle bands — "tốt" 80–90, "khá"
65–80, "trung bình" 50–65 — are configurable defaults, not official values. A band holds the totals from its
``min_score`` up to the next band's.

Indicator 2.2 (average processing time) is monitoring only: 0 points and no ``full_at``.

Deadlines in working days (``Deadlines``, see ``calendar.py`` for the working-time clock) are data too: feedback
(PAKN) is refused within 2 working days, a request for more information is sent within 5 and the feedback is
handled within 15 (official-methods §4); a procedure is announced (công bố) at least 5 working days before the
legal text takes effect and made public in the national database (công khai trên CSDLQG) within 5 working days
of the announcement — the provincial time limits of Decree 63/2010/NĐ-CP as amended by Decree 92/2017/NĐ-CP,
defaults for officials to confirm.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Indicator:
    id: str
    group: str
    name_vi: str
    points: float
    full_at: float | None  # the rate (0–1] that earns full points; None for a monitoring-only indicator

    def __post_init__(self) -> None:
        if self.points < 0:
            raise ValueError(f"{self.id}: points must not be negative")
        if self.full_at is None:
            if self.points:
                raise ValueError(f"{self.id}: an indicator with points needs full_at")
        elif not 0 < self.full_at <= 1:
            raise ValueError(f"{self.id}: full_at is a rate in (0, 1]")


@dataclass(frozen=True)
class Band:
    key: str
    name_vi: str
    min_score: float


@dataclass(frozen=True)
class Deadlines:
    feedback_reject: float = 2
    feedback_request_info: float = 5
    feedback_handle: float = 15
    announce_before_effective: float = 5
    publish_after_announcement: float = 5

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if value < 0:
                raise ValueError(f"{name}: a deadline must not be negative")


@dataclass(frozen=True)
class Scoring:
    indicators: tuple[Indicator, ...]
    bands: tuple[Band, ...]
    deadlines: Deadlines = Deadlines()

    def __post_init__(self) -> None:
        ids = [i.id for i in self.indicators]
        if len(set(ids)) != len(ids):
            raise ValueError("indicator ids must be unique")
        if not self.bands:
            raise ValueError("at least one rating band is needed")
        if len({b.key for b in self.bands}) != len(self.bands):
            raise ValueError("band keys must be unique")
        # Highest band first: a total takes the first band whose min_score it reaches.
        object.__setattr__(self, "bands", tuple(sorted(self.bands, key=lambda b: b.min_score, reverse=True)))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scoring:
        """Rules from plain data (JSON, a settings row); a missing ``indicators``, ``bands`` or ``deadlines`` keeps
        the default (a partial ``deadlines`` mapping changes only the deadlines it names)."""
        indicators = data.get("indicators")
        bands = data.get("bands")
        return cls(
            indicators=DEFAULT.indicators if indicators is None else tuple(Indicator(**i) for i in indicators),
            bands=DEFAULT.bands if bands is None else tuple(Band(**b) for b in bands),
            deadlines=Deadlines(**data.get("deadlines", {})),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicators": [asdict(i) for i in self.indicators],
            "bands": [asdict(b) for b in self.bands],
            "deadlines": asdict(self.deadlines),
        }


DEFAULT = Scoring(
    indicators=(
        Indicator("1.1", "transparency", "Công bố, công khai thủ tục hành chính đúng hạn", 6, 1.0),
        Indicator("1.2", "transparency", "Công khai thủ tục hành chính đúng hạn trên Cơ sở dữ liệu quốc gia", 4, 1.0),
        Indicator("1.3", "transparency", "Thủ tục hành chính công khai đầy đủ 7 thành phần", 2, 1.0),
        Indicator("1.4", "transparency", "Hồ sơ được đồng bộ lên Cổng Dịch vụ công quốc gia", 6, 1.0),
        Indicator("2.1", "progress", "Hồ sơ giải quyết đúng hạn, trong hạn", 20, 1.0),
        Indicator("2.2", "progress", "Thời gian giải quyết trung bình", 0, None),
        Indicator("3.3", "online_service", "Hồ sơ nộp trực tuyến", 12, 0.5),
        Indicator("3.5", "online_payment", "Thủ tục có phí được tích hợp dữ liệu phí, lệ phí", 2, 0.8),
        Indicator("3.5b", "online_payment", "Thủ tục có phí phát sinh thanh toán trực tuyến", 2, 1.0),
        Indicator("3.6", "online_payment", "Hồ sơ có phí được thanh toán trực tuyến", 6, 1.0),
        Indicator("4.1", "digitisation", "Hồ sơ được cấp kết quả điện tử", 6, 1.0),
        Indicator("4.2", "digitisation", "Hồ sơ được số hóa thành phần và cấp kết quả điện tử", 4, 0.8),
        Indicator("4.2b", "digitisation", "Chứng thực bản sao điện tử", 2, 1.0),
        Indicator("4.3", "digitisation", "Hồ sơ tái sử dụng dữ liệu số hóa", 2, 0.8),
        Indicator("4.4", "digitisation", "Hồ sơ đồng bộ vào Kho quản lý dữ liệu điện tử của cá nhân", 4, 1.0),
        Indicator("4.5", "digitisation", "Hồ sơ khai thác Cơ sở dữ liệu quốc gia về dân cư, tài khoản VNeID", 2, 1.0),
        Indicator("4.5b", "digitisation", "Thủ tục kết nối Cơ sở dữ liệu quốc gia về dân cư", 2, 1.0),
        Indicator("5.2", "satisfaction", "Phản ánh, kiến nghị được xử lý đúng hạn", 6, 1.0),
        Indicator("5.3", "satisfaction", "Mức độ hài lòng về xử lý phản ánh, kiến nghị", 6, 1.0),
        Indicator("5.4", "satisfaction", "Mức độ hài lòng trong giải quyết hồ sơ", 6, 0.9),
    ),
    bands=(
        Band("excellent", "xuất sắc", 90),
        Band("good", "tốt", 80),
        Band("fair", "khá", 65),
        Band("average", "trung bình", 50),
        Band("weak", "yếu", 0),
    ),
)
