"""Renders a docxtpl template to DOCX bytes, deterministically: the same template and data give the same bytes (fixed
core properties and zip timestamps), so a stored report's SHA-256 identifies its content."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from dieuhanh.core.common.errors import CoreError

ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def fixed_zip(data: bytes) -> bytes:
    """The same archive with every entry's timestamp fixed and attributes normalised."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type, entry.external_attr, entry.create_system = zipfile.ZIP_DEFLATED, 0o600 << 16, 0
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def render(template: bytes, context: dict[str, Any], *, title: str, as_of: dt.date) -> bytes:
    tpl = DocxTemplate(io.BytesIO(template))
    try:
        tpl.render(context, jinja_env=SandboxedEnvironment(autoescape=True))
    except TemplateSyntaxError as e:
        raise CoreError("template_syntax", line=e.lineno or 0, detail=e.message or "") from e
    props = tpl.docx.core_properties
    stamp = dt.datetime.combine(as_of, dt.time())
    props.title, props.author, props.last_modified_by, props.revision = title, "dieuhanh", "dieuhanh", 1
    props.created = props.modified = stamp
    props.last_printed = stamp
    buf = io.BytesIO()
    tpl.save(buf)
    return fixed_zip(buf.getvalue())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def template_fields(template: bytes) -> set[str]:
    """The top-level names a template uses; refuses broken tags (``template_syntax`` with the line)."""
    tpl = DocxTemplate(io.BytesIO(template))
    tpl.init_docx()
    env = SandboxedEnvironment()
    xml = tpl.patch_xml(tpl.get_xml())
    try:
        ast = env.parse(xml)
    except TemplateSyntaxError as e:
        raise CoreError("template_syntax", line=e.lineno or 0, detail=e.message or "") from e
    return meta.find_undeclared_variables(ast)


def check_fields(template: bytes, allowed: set[str]) -> None:
    unknown = sorted(template_fields(template) - allowed)
    if unknown:
        raise CoreError("template_unknown_field", field=unknown[0], fields=", ".join(unknown))
