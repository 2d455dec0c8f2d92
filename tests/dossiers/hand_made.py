"""The hand-made Decision 766 dossier log shared by the dossier pages/API tests, the indicator feed tests and the
browser flow (the ``store`` fixture of tests/conftest.py writes it), with its scores computed by hand.

March 2026 (every dossier received then unless said otherwise):

- Phường Bến Thành (26743): 4 online dossiers, every digital flag set, no fee; 3 on time, 1 overdue; one applicant
  from Phường Sài Gòn. Rates: 1.4 = 1, 2.1 = 3/4, 3.3 = 1, 4.1–4.5 = 1, 5.4 = 1 − 1/4 = 0.75 (full at 0.9); 3.6 has
  no fee-bearing dossier, so it is left out. Points 6 + 15 + 12 + 6 + 4 + 2 + 4 + 2 + 6×0.75/0.9 = 56 of 62
  → total 56/62 × 100 = 90.32 (xuất sắc). Points lost: 2.1 five (one overdue dossier), 5.4 one.
  Plus one dossier in February (on time), for the monthly trend.
- Phường Sài Gòn (26740): 2 dossiers in person, on time, only synced: 6 + 20 + 0 + 0 + 6 = 32 of 62 → 51.61
  (trung bình).
- Sở Khoa học và Công nghệ (79.SKHCN): 2 online dossiers with every flag and a fee, one paid online (3.6 = 0.5);
  one finished on time, one still open at the end of March with a due date in April (within deadline):
  6 + 20 + 12 + 3 + 18 + 6 = 65 of 68 → 95.59 (xuất sắc). Both applicants live in Phường Bến Thành.
- Commune level (pooled 26743 + 26740, 6 dossiers): on time 5/6; the city (8 dossiers): on time 7/8, filed outside
  the applicant's ward 3/8.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from dieuhanh.core.d766.ingest import create_schema

BEN_THANH, SAI_GON, SKHCN = "26743", "26740", "79.SKHCN"
T = dt.datetime


def _dossier(dossier_id, agency, received, due, finished, *, channel=2, flags=True, fee=None, paid=None, ward=None,
             procedure="1.000001"):
    return {
        "dossier_id": dossier_id, "procedure_code": procedure, "agency_code": agency, "channel": channel,
        "received_at": received, "due_at": due, "finished_at": finished, "supplement_requests": 0, "supplement_hours": 0.0,
        "statutory_days": 3.0, "fee_total": fee, "paid_online": paid, "e_result": flags, "digitised_components": flags,
        "reused_data": flags, "personal_store": flags, "vneid_verified": flags, "synced": True,
        "applicant_ward_code": ward or agency, "rating": None, "has_feedback": False,
    }


HAND_MADE = [
    # Bến Thành, March: three on time, one overdue, one applicant from Sài Gòn; two procedures.
    _dossier("BT-1", BEN_THANH, T(2026, 3, 2, 8), T(2026, 3, 5, 17), T(2026, 3, 4, 10), procedure="1.000001"),
    _dossier("BT-2", BEN_THANH, T(2026, 3, 3, 9), T(2026, 3, 6, 17), T(2026, 3, 9, 10), procedure="1.000001"),
    _dossier("BT-3", BEN_THANH, T(2026, 3, 10, 9), T(2026, 3, 13, 17), T(2026, 3, 12, 9), procedure="1.000002"),
    _dossier("BT-4", BEN_THANH, T(2026, 3, 16, 9), T(2026, 3, 19, 17), T(2026, 3, 18, 9), procedure="1.000002", ward=SAI_GON),
    # Bến Thành, February: on time.
    _dossier("BT-0", BEN_THANH, T(2026, 2, 10, 8), T(2026, 2, 13, 17), T(2026, 2, 12, 8)),
    # Sài Gòn: in person, on time, only synced.
    _dossier("SG-1", SAI_GON, T(2026, 3, 4, 8), T(2026, 3, 9, 17), T(2026, 3, 6, 8), channel=1, flags=False),
    _dossier("SG-2", SAI_GON, T(2026, 3, 5, 8), T(2026, 3, 10, 17), T(2026, 3, 9, 8), channel=1, flags=False),
    # The department: fee-bearing, one paid online; one still open with a due date in April.
    _dossier("KH-1", SKHCN, T(2026, 3, 2, 8), T(2026, 3, 20, 17), T(2026, 3, 18, 8), fee=100000.0, paid=1, ward=BEN_THANH),
    _dossier("KH-2", SKHCN, T(2026, 3, 25, 8), T(2026, 4, 10, 17), None, fee=100000.0, paid=0, ward=BEN_THANH),
]

BT_TOTAL = (6 + 15 + 12 + 6 + 4 + 2 + 4 + 2 + 6 * 0.75 / 0.9) / 62 * 100  # 90.32
SG_TOTAL = (6 + 20 + 6) / 62 * 100  # 51.61
KH_TOTAL = (6 + 20 + 12 + 3 + 18 + 6) / 68 * 100  # 95.59


def write_store(path, rows=HAND_MADE) -> None:
    con = duckdb.connect(str(path))
    create_schema(con)
    columns = list(rows[0])
    con.executemany(f"INSERT INTO dossiers ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                    [[r[c] for c in columns] for r in rows])
    con.close()
