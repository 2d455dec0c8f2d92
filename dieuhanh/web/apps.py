from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "dieuhanh.web"
    label = "web"

    def ready(self):
        from django.conf import settings

        from dieuhanh.core.common import sheets

        sheets.configure(sheets.WorkbookLimits(
            max_uncompressed_bytes=settings.DIEUHANH_XLSX_MAX_UNCOMPRESSED_BYTES, max_members=settings.DIEUHANH_XLSX_MAX_MEMBERS,
            max_ratio=settings.DIEUHANH_XLSX_MAX_RATIO, max_cells=settings.DIEUHANH_XLSX_MAX_CELLS))
