"""The dossier record: column names (the national portal's field in brackets), types and accepted aliases.

Files may use the schema names or the documented Vietnamese headers (and the portal's own field names);
``canonical_column`` maps any of them, compared without diacritics or case, to the schema name.
"""

from __future__ import annotations

from dieuhanh.core.text import fold

# name -> (duckdb type, aliases)
DOSSIER_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "dossier_id": ("VARCHAR", ("MaHoSo", "Mã hồ sơ")),
    "procedure_code": ("VARCHAR", ("MaTTHC", "Mã thủ tục", "Mã TTHC")),
    "agency_code": ("VARCHAR", ("Mã cơ quan", "Mã đơn vị tiếp nhận", "Cơ quan tiếp nhận")),
    "channel": ("TINYINT", ("KenhThucHien", "Kênh thực hiện", "Kênh")),
    "received_at": ("TIMESTAMP", ("NgayTiepNhan", "Ngày tiếp nhận")),
    "due_at": ("TIMESTAMP", ("NgayHenTra", "Ngày hẹn trả")),
    "finished_at": ("TIMESTAMP", ("NgayKetThucXuLy", "Ngày kết thúc xử lý", "Ngày kết thúc")),
    "supplement_requests": ("SMALLINT", ("Số lần yêu cầu bổ sung", "Số lần bổ sung")),
    "supplement_hours": ("DOUBLE", ("Số giờ chờ bổ sung", "Thời gian chờ bổ sung (giờ)")),
    "statutory_days": ("DOUBLE", ("Thời hạn giải quyết (ngày)", "Thời hạn theo quy định")),
    "fee_total": ("DOUBLE", ("Tổng phí, lệ phí", "Phí lệ phí")),
    "paid_online": ("TINYINT", ("DuocThanhToanTrucTuyen", "Thanh toán trực tuyến")),
    "e_result": ("BOOLEAN", ("Có kết quả điện tử", "Kết quả điện tử")),
    "digitised_components": ("BOOLEAN", ("Số hóa thành phần hồ sơ", "Số hóa hồ sơ")),
    "reused_data": ("BOOLEAN", ("Tái sử dụng dữ liệu số hóa", "Tái sử dụng dữ liệu")),
    "personal_store": ("BOOLEAN", ("DuocLayTuKhoDMQG", "Đồng bộ kho dữ liệu cá nhân")),
    "vneid_verified": ("BOOLEAN", ("Xác thực VNeID", "Tài khoản VNeID")),
    "synced": ("BOOLEAN", ("Đồng bộ Cổng DVC quốc gia", "Đã đồng bộ")),
    "applicant_ward_code": ("VARCHAR", ("Mã xã người nộp", "Mã phường, xã của người nộp")),
    "rating": ("VARCHAR", ("Đánh giá", "Mức độ hài lòng")),
    "has_feedback": ("BOOLEAN", ("Có phản ánh, kiến nghị", "Có PAKN")),
}
REQUIRED = ("dossier_id", "procedure_code", "agency_code", "channel", "received_at")
CHANNELS = {1: "in person", 2: "online", 3: "public postal service"}
PAID_ONLINE = {0: "no", 1: "national portal", 2: "local gateway"}
RATINGS = ("satisfied", "neutral", "dissatisfied")

_ALIASES = {fold(alias): name for name, (_, aliases) in DOSSIER_COLUMNS.items() for alias in (name, *aliases)}


def canonical_column(header: str) -> str | None:
    """The schema name for a file's column header, or None if it is not a dossier column."""
    return _ALIASES.get(fold(str(header)))
