"""The three record kinds — dossiers, the procedure catalogue and feedback (PAKN) — as column names (the national
portal's field in brackets), types and accepted aliases.

Files may use the schema names or the documented Vietnamese headers (and the portal's own field names);
``canonical_column`` maps any of them, compared without diacritics or case, to the schema name.

Procedure catalogue (``procedures``, one row per procedure, key ``procedure_code``): ``effective_at`` is the day
the legal text behind the procedure takes effect, ``announced_at`` the day the decision announcing it (quyết định
công bố) was signed, ``published_at`` the day it was made public in the national database (CSDLQG về TTHC);
``elements_published`` counts the 7 required elements published with it (0–7); ``fee_integrated`` means its fee
data is integrated for online payment; ``population_db`` that it is connected to the national population
database; ``certification`` that it is a certification (chứng thực) procedure; ``online_level`` is full, partial
or none.

Feedback (``feedback``, one row per phản ánh, kiến nghị, key ``feedback_id``): received by ``agency_code``;
``rejected_at`` when it was refused, ``info_requested_at`` when more information was asked for, ``handled_at``
when the answer was given (each empty if that step did not happen); ``satisfaction`` the citizen's rating.
"""

from __future__ import annotations

from dieuhanh.core.common.text import fold

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

PROCEDURE_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "procedure_code": ("VARCHAR", ("code", "MaTTHC", "Mã thủ tục", "Mã TTHC")),
    "name": ("VARCHAR", ("TenTTHC", "Tên thủ tục", "Tên thủ tục hành chính")),
    "level": ("VARCHAR", ("CapThucHien", "Cấp thực hiện")),
    "fee_bearing": ("BOOLEAN", ("Có phí, lệ phí", "Có thu phí")),
    "fee_integrated": ("BOOLEAN", ("Tích hợp dữ liệu phí, lệ phí", "Tích hợp phí")),
    "online_level": ("VARCHAR", ("MucDo", "Mức độ dịch vụ công trực tuyến", "Mức độ DVCTT")),
    "statutory_days": ("DOUBLE", ("Thời hạn giải quyết (ngày)", "Thời hạn giải quyết")),
    "fee": ("DOUBLE", ("Mức phí, lệ phí", "Phí, lệ phí")),
    "effective_at": ("DATE", ("Ngày có hiệu lực", "Ngày hiệu lực")),
    "announced_at": ("DATE", ("Ngày công bố", "Ngày ký quyết định công bố")),
    "published_at": ("DATE", ("Ngày công khai trên CSDLQG", "Ngày công khai")),
    "elements_published": ("SMALLINT", ("Số thành phần công khai", "Số bộ phận cấu thành công khai")),
    "population_db": ("BOOLEAN", ("Kết nối CSDLQG về dân cư", "Kết nối CSDL dân cư")),
    "certification": ("BOOLEAN", ("Thủ tục chứng thực", "Chứng thực")),
}
PROCEDURE_REQUIRED = ("procedure_code", "name")
ONLINE_LEVELS = ("full", "partial", "none")
REQUIRED_ELEMENTS = 7

FEEDBACK_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "feedback_id": ("VARCHAR", ("MaPAKN", "Mã phản ánh, kiến nghị", "Mã PAKN")),
    "agency_code": ("VARCHAR", ("Mã cơ quan", "Cơ quan xử lý", "Mã cơ quan xử lý")),
    "procedure_code": ("VARCHAR", ("MaTTHC", "Mã thủ tục", "Mã TTHC")),
    "received_at": ("TIMESTAMP", ("NgayTiepNhan", "Ngày tiếp nhận")),
    "rejected_at": ("TIMESTAMP", ("Ngày từ chối", "Ngày từ chối tiếp nhận")),
    "info_requested_at": ("TIMESTAMP", ("Ngày đề nghị bổ sung thông tin", "Ngày yêu cầu bổ sung")),
    "handled_at": ("TIMESTAMP", ("Ngày xử lý xong", "Ngày trả lời", "Ngày hoàn thành")),
    "satisfaction": ("VARCHAR", ("Mức độ hài lòng", "Đánh giá")),
}
FEEDBACK_REQUIRED = ("feedback_id", "agency_code", "received_at")
CHANNELS = {1: "in person", 2: "online", 3: "public postal service"}
PAID_ONLINE = {0: "no", 1: "national portal", 2: "local gateway"}
RATINGS = ("satisfied", "neutral", "dissatisfied")



def _aliases(columns: dict[str, tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    return {fold(alias): name for name, (_, aliases) in columns.items() for alias in (name, *aliases)}


_ALIASES = {id(c): _aliases(c) for c in (DOSSIER_COLUMNS, PROCEDURE_COLUMNS, FEEDBACK_COLUMNS)}


def canonical_column(header: str, columns: dict[str, tuple[str, tuple[str, ...]]] = DOSSIER_COLUMNS) -> str | None:
    """The schema name for a file's column header among ``columns`` (dossiers by default), or None."""
    return _ALIASES[id(columns)].get(fold(str(header)))
