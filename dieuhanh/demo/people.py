"""The demo's people: one account per role, on real HCMC units. Every account here is synthetic, and so are their
e-mail addresses (under example domains, so the reminders can be read in the console e-mail backend)."""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "dieuhanh-demo-2026"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    position: str
    unit_code: str
    role: str

    @property
    def email(self) -> str:
        """A synthetic address under an example domain: ``skhcn.lanhdao@example.gov.vn``."""
        return f"{self.username}@example.gov.vn"


DEMO_PEOPLE = [
    DemoPerson("quantri", "Quản trị hệ thống (demo)", "Quản trị nền tảng", "VN", "administrator"),
    DemoPerson("admin.hcm", "Nguyễn Văn Quản (demo)", "Quản trị hệ thống TP", "79", "administrator"),
    DemoPerson("bcd.thuongtruc", "Trần Thị Chỉ Đạo (demo)", "Thường trực Ban Chỉ đạo", "79", "steering"),
    DemoPerson("skhcn.lanhdao", "Lê Minh Khoa (demo)", "Phó Giám đốc Sở KH&CN", "79.SKHCN", "approver"),
    DemoPerson("skhcn.canbo", "Phạm Thu Nhập (demo)", "Chuyên viên Sở KH&CN", "79.SKHCN", "reporter"),
    DemoPerson("benthanh.lanhdao", "Võ Hoàng Phường (demo)", "Chủ tịch UBND phường Bến Thành", "26743", "approver"),
    DemoPerson("benthanh.canbo", "Đỗ Ngọc Báo (demo)", "Công chức phường Bến Thành", "26743", "reporter"),
    DemoPerson("giamsat.xem", "Huỳnh Thị Xem (demo)", "Chuyên viên theo dõi", "79", "viewer"),
]
