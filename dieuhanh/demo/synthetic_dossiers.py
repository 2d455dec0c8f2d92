"""Synthetic dossier logs for development, demonstrations and load trials: a made-up procedure catalogue,
seeded Parquet files in the dossier schema, and feedback (PAKN) records to go with them.

Every row this module writes is synthetic (``SYNTHETIC_LABEL``, also stored in the Parquet file's metadata):
no dossier, applicant or timing in it comes from a real log. The shares below are chosen to look like public
reporting on Ho Chi Minh City's one-stop shops, so that indicators computed from them land in believable
ranges; they are not measurements.

Columns as written (types are the schema's, see ``schema.DOSSIER_COLUMNS``):

- ``dossier_id``: ``{agency}-{yymmdd of receipt}-{row number, 9 digits}``, unique within one file.
- ``procedure_code``: from ``procedure_catalogue(seed=seed)``; commune procedures at wards (agency codes of five
  digits), province procedures at the other agencies; a few procedures take most dossiers (Zipf-like).
- ``agency_code``: one of ``agencies``, larger and smaller ones by a seeded size factor; when both kinds are
  given, about 45 % of dossiers go to departments.
- ``channel``: online (2) for about 80 % of dossiers of fully online procedures and 60 % of partly online ones,
  never for procedures without an online service; about 3 % of the rest by public postal service (3).
- ``received_at``: between ``start`` and ``end`` (both days included), weekdays busier than Saturdays and
  Sundays; counters work 07:30–17:00, online submissions come at any hour with a daytime peak.
- ``statutory_days``: the procedure's time limit in working days (0.5 = half a day); always present.
- ``due_at``: the receipt plus the time limit in working days (weekends and the public holidays of
  ``calendar.py`` skipped), plus the hours spent waiting for supplements; empty for about 3 % of dossiers.
- ``finished_at``: on time for about 99.4 % of dossiers at wards and 93 % at departments (about 96 % overall with
  the default mix); empty when the dossier was still open at the end of ``end`` and for 0.1 % stalled ones.
- ``supplement_requests`` / ``supplement_hours``: about 4 % with one request, 0.4 % with two or three;
  waiting time about 40 hours a request.
- ``fee_total``: the procedure's fee for fee-bearing procedures (about 30 % of the catalogue), 0 for about 8 %
  of their dossiers (exemptions); empty otherwise. ``paid_online`` only where a fee was due.
- ``applicant_ward_code``: at a ward, the ward itself for 85 % of dossiers and another Ho Chi Minh City ward
  for the rest (filing regardless of administrative boundaries); at departments any ward of the city.
- ``rating``: empty for about 88 %; of the rest mostly satisfied, dissatisfied mainly after late results.
- the digital-service flags (``e_result``, ``digitised_components``, ``reused_data``, ``personal_store``,
  ``vneid_verified``, ``synced``) and ``has_feedback``: fixed shares, higher online or after late results.

The catalogue (``procedure_catalogue``, written by ``write_catalogue``) has the columns of
``schema.PROCEDURE_COLUMNS``, its code under ``code`` (an accepted alias): the legal text takes effect between
2019 and 2025; about 90 % of procedures are announced at least 5 working days before that and about 93 % made
public in the national database within 5 working days of the announcement; 95 % publish all 7 elements; 85 % of
fee-bearing procedures have their fee data integrated; 70 % are connected to the population database;
certification (chứng thực) procedures are flagged. Feedback (``feedback_records``, ``write_feedback``): about one
record per 200 dossiers, at the same agencies and in the same dates; 8 % refused (most within 2 working days),
20 % with a request for more information (most within 5), the others answered, about 92 % within 15 working
days, 4 % still open; 60 % rated, mostly satisfied.

The same arguments give the same file, byte for byte; a different ``chunk`` gives different (equally valid)
rows, since each chunk draws from its own seeded stream.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from vietnam_provinces import Ward

from dieuhanh.core.d766.workdays import default_calendar
from dieuhanh.core.d766.schema import DOSSIER_COLUMNS, FEEDBACK_COLUMNS, RATINGS, REQUIRED_ELEMENTS

SYNTHETIC_LABEL = "Dữ liệu giả lập (synthetic): sinh bởi dieuhanh.demo.synthetic_dossiers, không phải hồ sơ thật"
HCMC_PROVINCE_CODE = 79

_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "TINYINT": pa.int8(),
    "SMALLINT": pa.int16(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
}
DOSSIER_SCHEMA = pa.schema(
    [pa.field(name, _ARROW_TYPES[kind]) for name, (kind, _) in DOSSIER_COLUMNS.items()],
    metadata={"dieuhanh.synthetic": SYNTHETIC_LABEL},
)

# Procedure names: "<action> <subject>[ <qualifier>]". Each subject lists the actions that make sense for it,
# the level that handles it and its usual time limits in working days.
_COMMUNE_SUBJECTS: tuple[tuple[str, tuple[str, ...], tuple[float, ...]], ...] = (
    ("khai sinh", ("Đăng ký", "Đăng ký lại", "Cấp bản sao trích lục"), (0.5, 1, 3)),
    ("kết hôn", ("Đăng ký", "Đăng ký lại", "Cấp bản sao trích lục"), (1, 3, 5)),
    ("khai tử", ("Đăng ký", "Đăng ký lại"), (0.5, 1, 3)),
    ("giám hộ", ("Đăng ký", "Đăng ký chấm dứt", "Đăng ký thay đổi"), (1, 3)),
    ("nhận cha, mẹ, con", ("Đăng ký",), (3, 5)),
    ("giấy xác nhận tình trạng hôn nhân", ("Cấp",), (1, 3)),
    ("bản sao từ bản chính giấy tờ, văn bản", ("Chứng thực",), (0.5, 1)),
    ("chữ ký trong giấy tờ, văn bản", ("Chứng thực",), (0.5, 1)),
    ("hợp đồng, giao dịch liên quan đến nhà ở", ("Chứng thực", "Chứng thực sửa đổi, bổ sung"), (1, 3)),
    ("hộ kinh doanh", ("Đăng ký thành lập", "Đăng ký thay đổi nội dung đăng ký", "Thông báo tạm ngừng kinh doanh"),
     (3,)),
    ("trợ cấp xã hội hằng tháng", ("Thực hiện", "Điều chỉnh", "Thôi hưởng"), (5, 7)),
    ("hỗ trợ chi phí mai táng", ("Giải quyết",), (3, 5)),
    ("giấy phép xây dựng nhà ở riêng lẻ", ("Cấp", "Cấp điều chỉnh", "Gia hạn"), (5, 7)),
    ("hòa giải tranh chấp đất đai", ("Thực hiện",), (7,)),
    ("người có công với cách mạng", ("Xác nhận",), (5,)),
)
_PROVINCE_SUBJECTS: tuple[tuple[str, tuple[str, ...], tuple[float, ...]], ...] = (
    ("giấy phép xây dựng công trình", ("Cấp", "Cấp điều chỉnh", "Gia hạn", "Cấp lại"), (7, 10, 20)),
    ("giấy chứng nhận đăng ký doanh nghiệp", ("Cấp", "Cấp đổi", "Cấp lại"), (3,)),
    ("giấy phép lao động cho người nước ngoài", ("Cấp", "Cấp lại", "Gia hạn"), (3, 5)),
    ("chứng chỉ hành nghề khám bệnh, chữa bệnh", ("Cấp", "Cấp lại", "Điều chỉnh"), (10, 20)),
    ("giấy chứng nhận đủ điều kiện an toàn thực phẩm", ("Cấp", "Cấp lại"), (15, 20)),
    ("giấy phép kinh doanh vận tải bằng xe ô tô", ("Cấp", "Cấp lại", "Thu hồi"), (5,)),
    ("giấy phép lái xe", ("Cấp đổi", "Cấp lại"), (5, 10)),
    ("phiếu lý lịch tư pháp", ("Cấp",), (10, 15)),
    ("quốc tịch Việt Nam", ("Xác nhận có", "Xác nhận là người gốc"), (20, 30)),
    ("giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở", ("Đăng ký biến động", "Cấp đổi", "Đính chính"),
     (10, 15, 20)),
    ("báo cáo đánh giá tác động môi trường", ("Thẩm định",), (20, 30)),
    ("giấy phép hoạt động giáo dục nghề nghiệp", ("Cấp", "Điều chỉnh"), (15, 20)),
    ("chương trình khoa học và công nghệ cấp thành phố", ("Đăng ký", "Thẩm định kinh phí"), (15, 30)),
    ("giấy phép tổ chức biểu diễn nghệ thuật", ("Cấp", "Cấp điều chỉnh"), (5, 7)),
    ("con dấu và mẫu dấu của tổ chức", ("Thông báo",), (3, 5)),
    ("tiêu chuẩn cơ sở khám chữa bệnh", ("Công nhận",), (20, 30)),
)
_QUALIFIERS = ("", "", "", "cho cá nhân", "cho tổ chức", "có yếu tố nước ngoài", "trong trường hợp bị mất, hỏng",
               "theo hình thức liên thông", "lần đầu", "đối với doanh nghiệp nhỏ và vừa")
_COMMUNE_SHARE_OF_PROCEDURES = 0.35
_FEE_BEARING_SHARE = 0.30
_ONLINE_LEVELS = ("full", "partial", "none")
_ONLINE_LEVEL_SHARES = (0.55, 0.40, 0.05)
_ONLINE_SHARE_BY_LEVEL = np.array([0.80, 0.60, 0.0])
_POSTAL_SHARE_OF_OFFLINE = 0.03
_DEPARTMENT_SHARE_OF_DOSSIERS = 0.45
_ON_TIME_AT_WARDS = 0.994
_ON_TIME_AT_DEPARTMENTS = 0.93
_NO_DUE_DATE_SHARE = 0.03
_STALLED_SHARE = 0.001
_EXEMPT_SHARE = 0.08
_OWN_WARD_SHARE = 0.85
_RATED_SHARE = 0.12
_SECONDS_PER_DAY = 86_400
_SECONDS_PER_WORKING_DAY = 8 * 3600


def procedure_catalogue(n: int = 2000, seed: int = 0) -> pa.Table:
    """A synthetic catalogue of ``n`` administrative procedures (all made up, see the module note).

    Columns: ``code`` ("1.00xxxx", unique), ``name`` (Vietnamese), ``level`` ("province" or "commune"),
    ``fee_bearing``, ``online_level`` ("full", "partial" or "none"), ``statutory_days`` (working days), ``fee``
    (VND, empty unless fee-bearing), then the publication record: ``fee_integrated``, ``effective_at``,
    ``announced_at``, ``published_at`` (dates), ``elements_published`` (0–7), ``population_db`` and
    ``certification`` (see the module note).
    """
    if not 0 < n <= 10_000:
        raise ValueError("n must be between 1 and 10000 (codes are 1.00 followed by four digits)")
    rng = np.random.default_rng([seed, 766, 0])
    codes = np.sort(rng.choice(10_000, size=n, replace=False))
    commune = rng.random(n) < _COMMUNE_SHARE_OF_PROCEDURES
    names: list[str] = []
    days = np.empty(n)
    for i, is_commune in enumerate(commune):
        subjects = _COMMUNE_SUBJECTS if is_commune else _PROVINCE_SUBJECTS
        subject, actions, limits = subjects[rng.integers(len(subjects))]
        qualifier = _QUALIFIERS[rng.integers(len(_QUALIFIERS))]
        names.append(" ".join(part for part in (actions[rng.integers(len(actions))], subject, qualifier) if part))
        days[i] = limits[rng.integers(len(limits))]
    fee_bearing = rng.random(n) < _FEE_BEARING_SHARE
    # Commune fees are small charges (thousands of dong); province fees run to hundreds of thousands and more.
    fee = np.where(commune, rng.integers(2, 40, n) * 5_000, rng.integers(1, 100, n) * 50_000).astype(np.float64)
    online = rng.choice(len(_ONLINE_LEVELS), size=n, p=_ONLINE_LEVEL_SHARES)
    # The publication record draws from its own stream, so the columns above stay as they were.
    pub = np.random.default_rng([seed, 766, 3])
    calendar = default_calendar()
    effective = np.datetime64("2019-01-01") + pub.integers(0, 7 * 365, n).astype("timedelta64[D]")
    lead = np.where(pub.random(n) < 0.90, pub.integers(5, 30, n), pub.integers(-10, 5, n))
    announced = calendar.shift(effective, -lead)
    delay = np.where(pub.random(n) < 0.93, pub.integers(0, 6, n), pub.integers(6, 30, n))
    published = calendar.shift(announced, delay)
    not_public = pub.random(n) < 0.02
    elements = np.where(pub.random(n) < 0.95, REQUIRED_ELEMENTS, pub.integers(4, REQUIRED_ELEMENTS, n))
    return pa.table({
        "code": pa.array([f"1.00{c:04d}" for c in codes], pa.string()),
        "name": pa.array(names, pa.string()),
        "level": pa.array(np.where(commune, "commune", "province").tolist(), pa.string()),
        "fee_bearing": pa.array(fee_bearing),
        "online_level": pa.array([_ONLINE_LEVELS[k] for k in online], pa.string()),
        "statutory_days": pa.array(days),
        "fee": pa.array(fee, mask=~fee_bearing),
        "fee_integrated": pa.array(fee_bearing & (pub.random(n) < 0.85)),
        "effective_at": pa.array(effective),
        "announced_at": pa.array(announced),
        "published_at": pa.array(published, mask=not_public),
        "elements_published": pa.array(elements.astype(np.int16)),
        "population_db": pa.array(pub.random(n) < 0.70),
        "certification": pa.array([name.startswith("Chứng thực") for name in names]),
    })


def _is_ward(agency: str) -> bool:
    return len(agency) == 5 and agency.isdigit()


def _zipf_weights(rng: np.random.Generator, n: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** 1.1
    rng.shuffle(weights)
    return weights / weights.sum()


class _Plan:
    """What stays the same for every chunk: agencies, procedures and days with their probabilities."""

    def __init__(self, agencies: Sequence[str], start: date, end: date, seed: int,
                 home_province: int | None = HCMC_PROVINCE_CODE):
        rng = np.random.default_rng([seed, 766, 1])
        self.agencies = pa.array(list(agencies), pa.string())
        self.agency_is_ward = np.array([_is_ward(a) for a in agencies])
        size = rng.lognormal(0.0, 0.6, len(agencies))
        wards, departments = self.agency_is_ward, ~self.agency_is_ward
        share = np.where(wards, 1 - _DEPARTMENT_SHARE_OF_DOSSIERS, _DEPARTMENT_SHARE_OF_DOSSIERS)
        if not wards.any() or not departments.any():
            share = np.ones(len(agencies))
        group_total = np.where(wards, size[wards].sum(), size[departments].sum())
        self.agency_p = share * size / group_total
        self.agency_p /= self.agency_p.sum()

        catalogue = procedure_catalogue(seed=seed)
        self.procedure_codes = catalogue["code"].combine_chunks()
        level = np.array(catalogue["level"].to_pylist())
        commune = np.flatnonzero(level == "commune")
        province = np.flatnonzero(level == "province")
        everything = np.arange(len(level))
        # Each kind of agency handles its own level; a catalogue without that level falls back to all procedures.
        self.ward_procedures = commune if len(commune) else everything
        self.department_procedures = province if len(province) else everything
        self.ward_procedure_p = _zipf_weights(rng, len(self.ward_procedures))
        self.department_procedure_p = _zipf_weights(rng, len(self.department_procedures))
        self.statutory_days = catalogue["statutory_days"].to_numpy()
        self.fee_bearing = catalogue["fee_bearing"].to_numpy(zero_copy_only=False)
        self.fee = catalogue["fee"].fill_null(0).to_numpy()
        online_level = catalogue["online_level"].to_pylist()
        self.online_p = _ONLINE_SHARE_BY_LEVEL[[_ONLINE_LEVELS.index(v) for v in online_level]]

        self.calendar = default_calendar()
        self.days = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
        weekday = (self.days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
        day_weight = np.select([weekday < 5, weekday == 5], [1.0, 0.3], 0.05)
        self.day_p = day_weight / day_weight.sum()
        self.snapshot = np.datetime64(end + timedelta(days=1), "s")

        self.ward_low: np.ndarray | None = None  # national: where each agency's province starts in city_wards
        if home_province is None:
            communes = national_communes()
            city = [code for province in communes for code in communes[province]]
            first = dict.fromkeys(communes, 0)
            at = 0
            for province, codes in communes.items():
                first[province] = at
                at += len(codes)
            province_of = {code: province for province, codes in communes.items() for code in codes}
            provinces = [province_of.get(a, a.split(".")[0]) for a in agencies]
            self.ward_low = np.array([first.get(p, 0) for p in provinces])
            self.ward_count = np.array([len(communes[p]) if p in communes else len(city) for p in provinces])
        else:
            city = sorted(f"{int(w.code):05d}" for w in Ward.iter_by_province(home_province))
        self.city_wards = pa.array(city, pa.string())
        ward_index = {code: i for i, code in enumerate(city)}
        # For each agency, its position in the city's ward list (-1 for departments and wards elsewhere).
        self.agency_city_ward = np.array([ward_index.get(a, -1) for a in agencies])


def _chunk(plan: _Plan, rng: np.random.Generator, first_row: int, n: int) -> pa.Table:
    agency = rng.choice(len(plan.agency_p), size=n, p=plan.agency_p)
    at_ward = plan.agency_is_ward[agency]
    procedure = np.empty(n, dtype=np.int64)
    k = int(at_ward.sum())
    procedure[at_ward] = plan.ward_procedures[rng.choice(len(plan.ward_procedures), size=k, p=plan.ward_procedure_p)]
    procedure[~at_ward] = plan.department_procedures[
        rng.choice(len(plan.department_procedures), size=n - k, p=plan.department_procedure_p)]

    online = rng.random(n) < plan.online_p[procedure]
    channel = np.where(online, 2, np.where(rng.random(n) < _POSTAL_SHARE_OF_OFFLINE, 3, 1)).astype(np.int8)

    day = rng.choice(plan.days, size=n, p=plan.day_p)
    counter_second = rng.integers(int(7.5 * 3600), 17 * 3600, n)
    # Online: mostly 07:00–22:00, one in five at any hour.
    online_second = np.where(rng.random(n) < 0.8, rng.integers(7 * 3600, 22 * 3600, n),
                             rng.integers(0, _SECONDS_PER_DAY, n))
    second_of_day = np.where(online, online_second, counter_second)
    received = day.astype("datetime64[s]") + second_of_day.astype("timedelta64[s]")

    requests = np.zeros(n, dtype=np.int16)
    draw = rng.random(n)
    requests[draw < 0.044] = 1
    requests[draw < 0.004] = rng.integers(2, 4, int((draw < 0.004).sum()))
    supplement_hours = np.round(rng.gamma(requests.astype(np.float64), 40.0), 1)

    # The time limit runs in working days from the day of receipt; waiting for supplements stops the clock,
    # so the portal moves the due date on by that time.
    statutory = plan.statutory_days[procedure]
    whole_days = np.floor(statutory).astype(np.int64)
    due_day = plan.calendar.shift(day, whole_days)
    due = (due_day.astype("datetime64[s]") + second_of_day.astype("timedelta64[s]")
           + ((statutory - whole_days) * _SECONDS_PER_WORKING_DAY).astype("timedelta64[s]")
           + (supplement_hours * 3600).astype(np.int64).astype("timedelta64[s]"))
    allowed = (due - received).astype(np.int64)

    on_time = rng.random(n) < np.where(at_ward, _ON_TIME_AT_WARDS, _ON_TIME_AT_DEPARTMENTS)
    # On time: somewhere inside the allowed time, early more often than late in it. Late: one hour to a few
    # weeks past the due date.
    early = (allowed * rng.beta(2.0, 3.0, n) * 0.98).astype(np.int64) + 60
    overdue = allowed + 3600 + rng.exponential(3.0 * _SECONDS_PER_DAY, n).astype(np.int64)
    finished = received + np.where(on_time, np.minimum(early, allowed), overdue).astype("timedelta64[s]")
    open_ = (finished >= plan.snapshot) | (rng.random(n) < _STALLED_SHARE)

    fee_bearing = plan.fee_bearing[procedure]
    exempt = rng.random(n) < _EXEMPT_SHARE
    fee = np.where(exempt, 0.0, plan.fee[procedure])
    fee_due = fee_bearing & (fee > 0)
    paid_online = np.where(online, rng.choice(3, size=n, p=[0.15, 0.40, 0.45]), 0).astype(np.int8)

    def share(p: float | np.ndarray) -> np.ndarray:
        return rng.random(n) < p

    digitised = share(0.92)
    late = ~on_time

    own_ward = plan.agency_city_ward[agency]
    if plan.ward_low is None:
        elsewhere = rng.integers(0, len(plan.city_wards), n)
    else:  # another ward of the agency's own province
        elsewhere = plan.ward_low[agency] + (rng.random(n) * plan.ward_count[agency]).astype(np.int64)
    applicant_ward = np.where((own_ward >= 0) & share(_OWN_WARD_SHARE), own_ward, elsewhere)

    rated = share(_RATED_SHARE) & ~open_
    rating = np.where(late, rng.choice(3, size=n, p=[0.45, 0.20, 0.35]), rng.choice(3, size=n, p=[0.88, 0.09, 0.03]))

    agency_codes = plan.agencies.take(pa.array(agency))
    month = day.astype("datetime64[M]")
    yymmdd = ((day.astype("datetime64[Y]").astype(np.int64) + 1970) % 100 * 10_000
              + (month.astype(np.int64) % 12 + 1) * 100
              + (day - month).astype(np.int64) + 1)
    dossier_id = pc.binary_join_element_wise(
        agency_codes,
        pc.utf8_lpad(pc.cast(pa.array(yymmdd), pa.string()), 6, "0"),
        pc.utf8_lpad(pc.cast(pa.array(np.arange(first_row, first_row + n)), pa.string()), 9, "0"),
        "-",
    )

    columns = {
        "dossier_id": dossier_id,
        "procedure_code": plan.procedure_codes.take(pa.array(procedure)),
        "agency_code": agency_codes,
        "channel": pa.array(channel),
        "received_at": pa.array(received.astype("datetime64[us]")),
        "due_at": pa.array(due.astype("datetime64[us]"), mask=share(_NO_DUE_DATE_SHARE)),
        "finished_at": pa.array(finished.astype("datetime64[us]"), mask=open_),
        "supplement_requests": pa.array(requests),
        "supplement_hours": pa.array(supplement_hours),
        "statutory_days": pa.array(statutory),
        "fee_total": pa.array(fee, mask=~fee_bearing),
        "paid_online": pa.array(paid_online, mask=~fee_due),
        "e_result": pa.array(share(np.where(online, 0.90, 0.45)) & ~open_),
        "digitised_components": pa.array(digitised),
        "reused_data": pa.array(digitised & share(0.35)),
        "personal_store": pa.array(share(0.25)),
        "vneid_verified": pa.array(share(np.where(online, 0.85, 0.35))),
        "synced": pa.array(share(0.97)),
        "applicant_ward_code": plan.city_wards.take(pa.array(applicant_ward)),
        "rating": pa.array(np.array(RATINGS, dtype=object)[rating], pa.string(), mask=~rated),
        "has_feedback": pa.array(share(np.where(late, 0.04, 0.005))),
    }
    return pa.table(columns, schema=DOSSIER_SCHEMA)


def generate(
    path: Path,
    *,
    rows: int,
    agencies: Sequence[str],
    start: date,
    end: date,
    seed: int,
    home_province: int | None = HCMC_PROVINCE_CODE,
    chunk: int = 1_000_000,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Write ``rows`` synthetic dossiers received between ``start`` and ``end`` at ``agencies`` to a Parquet
    file at ``path``, ``chunk`` rows at a time (memory stays bounded by one chunk); ``progress`` is called with
    the rows written so far after each chunk. Agency codes of five digits are wards, the others departments;
    applicants live in the wards of ``home_province`` (its official code) or, when it is None, in the wards of
    the agency's own province (``generate_national``)."""
    if rows < 0 or chunk <= 0:
        raise ValueError("rows must not be negative and chunk must be positive")
    if not agencies:
        raise ValueError("at least one agency is needed")
    if end < start:
        raise ValueError("end is before start")
    plan = _Plan(agencies, start, end, seed, home_province)
    path = Path(path)
    with pq.ParquetWriter(path, DOSSIER_SCHEMA, compression="zstd") as writer:
        for index, first_row in enumerate(range(0, rows, chunk)):
            n = min(chunk, rows - first_row)
            writer.write_table(_chunk(plan, np.random.default_rng([seed, 766, 2, index]), first_row, n))
            if progress is not None:
                progress(first_row + n)
    return path


def national_communes() -> dict[str, list[str]]:
    """Every province's commune-level units since the reorganisation of 01/07/2025 (34 provinces, 3,321 communes),
    by official code: ``{"01": ["00004", …], …, "79": [… "26734" …], …}``, provinces and communes in code order."""
    communes: dict[str, list[str]] = {}
    for ward in sorted(Ward.iter_all(), key=lambda w: (int(w.province_code), int(w.code))):
        communes.setdefault(f"{int(ward.province_code):02d}", []).append(f"{int(ward.code):05d}")
    return communes


def generate_national(
    path: Path,
    *,
    rows: int,
    start: date,
    end: date,
    seed: int,
    chunk: int = 1_000_000,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """A synthetic national log: ``rows`` dossiers received between ``start`` and ``end`` at the country's 3,321
    commune-level units (larger and smaller ones by a seeded size factor, as ``generate``), each applicant
    living in the receiving commune or, for 15 %, another commune of the same province. Any size: memory stays
    bounded by one ``chunk``. The rest as ``generate``; labelled synthetic in the file's metadata."""
    agencies = [code for codes in national_communes().values() for code in codes]
    return generate(path, rows=rows, agencies=agencies, start=start, end=end, seed=seed, home_province=None,
                    chunk=chunk, progress=progress)


def write_catalogue(path: Path, *, n: int = 2000, seed: int = 0) -> Path:
    """Write ``procedure_catalogue(n, seed)`` to a Parquet file at ``path``, labelled synthetic."""
    table = procedure_catalogue(n, seed)
    pq.write_table(table.replace_schema_metadata({"dieuhanh.synthetic": SYNTHETIC_LABEL}), path)
    return Path(path)


FEEDBACK_SCHEMA = pa.schema(
    [pa.field(name, _ARROW_TYPES[kind]) for name, (kind, _) in FEEDBACK_COLUMNS.items()],
    metadata={"dieuhanh.synthetic": SYNTHETIC_LABEL},
)


def feedback_records(*, rows: int, agencies: Sequence[str], start: date, end: date, seed: int) -> pa.Table:
    """``rows`` synthetic feedback (PAKN) records at ``agencies``, received between ``start`` and ``end``."""
    if end < start:
        raise ValueError("end is before start")
    plan = _Plan(agencies, start, end, seed)
    rng = np.random.default_rng([seed, 766, 4])
    n = rows
    agency = rng.choice(len(plan.agency_p), size=n, p=plan.agency_p)
    at_ward = plan.agency_is_ward[agency]
    procedure = np.where(
        at_ward,
        plan.ward_procedures[rng.choice(len(plan.ward_procedures), size=n, p=plan.ward_procedure_p)],
        plan.department_procedures[rng.choice(len(plan.department_procedures), size=n, p=plan.department_procedure_p)],
    )
    day = rng.choice(plan.days, size=n, p=plan.day_p)
    second = rng.integers(7 * 3600, 22 * 3600, n)
    received = day.astype("datetime64[s]") + second.astype("timedelta64[s]")

    def after(working_days: np.ndarray) -> np.ndarray:
        """A moment ``working_days`` working days after the day of receipt, in office hours."""
        moment = plan.calendar.shift(day, working_days).astype("datetime64[s]")
        moment = moment + rng.integers(8 * 3600, 17 * 3600, n).astype("timedelta64[s]")
        return np.maximum(moment, received + np.timedelta64(60, "s"))

    outcome = rng.choice(3, size=n, p=[0.08, 0.20, 0.72])  # refused, asked for information, answered directly
    refused = outcome == 0
    asked = outcome == 1
    rejected_at = after(np.where(rng.random(n) < 0.9, rng.integers(0, 2, n), rng.integers(2, 5, n)))
    asked_at = after(np.where(rng.random(n) < 0.9, rng.integers(1, 5, n), rng.integers(5, 9, n)))
    handled_at = after(np.where(rng.random(n) < 0.92, rng.integers(2, 15, n), rng.integers(15, 30, n)))
    open_ = (handled_at >= plan.snapshot) | (rng.random(n) < 0.04)
    rated = ~refused & ~open_ & (rng.random(n) < 0.6)
    satisfaction = rng.choice(3, size=n, p=[0.80, 0.12, 0.08])
    ids = pc.binary_join_element_wise(
        pa.array(np.full(n, "PAKN"), pa.string()),
        pc.utf8_lpad(pc.cast(pa.array(np.arange(n)), pa.string()), 9, "0"), "-")
    return pa.table({
        "feedback_id": ids,
        "agency_code": plan.agencies.take(pa.array(agency)),
        "procedure_code": plan.procedure_codes.take(pa.array(procedure)),
        "received_at": pa.array(received.astype("datetime64[us]")),
        "rejected_at": pa.array(rejected_at.astype("datetime64[us]"), mask=~refused | (rejected_at >= plan.snapshot)),
        "info_requested_at": pa.array(asked_at.astype("datetime64[us]"), mask=~asked | (asked_at >= plan.snapshot)),
        "handled_at": pa.array(handled_at.astype("datetime64[us]"), mask=refused | open_),
        "satisfaction": pa.array(np.array(RATINGS, dtype=object)[satisfaction], pa.string(), mask=~rated),
    }, schema=FEEDBACK_SCHEMA)


def write_feedback(path: Path, *, rows: int, agencies: Sequence[str], start: date, end: date, seed: int) -> Path:
    """Write ``feedback_records(...)`` to a Parquet file at ``path``."""
    pq.write_table(feedback_records(rows=rows, agencies=agencies, start=start, end=end, seed=seed), path)
    return Path(path)
