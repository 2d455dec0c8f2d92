"""Numbers on pages: ``{% load numerals %}`` writes them in the active language, a dash for no value."""

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation


def render(text: str, lang: str, **context) -> str:
    with translation.override(lang):
        return Template("{% load numerals %}" + text).render(Context(context))


def test_numbers_follow_the_active_language():
    template = "{{ v|number }} · {{ v|number:2 }} · {{ v|count }}"
    assert render(template, "vi", v=Decimal("1234.5")) == "1.234,5 · 1.234,50 · 1.235"
    assert render(template, "en", v=Decimal("1234.5")) == "1,234.5 · 1,234.50 · 1,235"


def test_a_negative_argument_means_at_most_that_many_places():
    assert render('{{ v|number:"-2" }} {{ w|number:"-2" }}', "vi", v=Decimal("46.00"), w=Decimal("46.567")) == "46 46,57"


def test_percent_rate_and_money():
    template = "{{ p|percent:0 }} | {{ r|rate }} | {{ r|rate:0 }} | {{ m|money }}"
    assert render(template, "vi", p=Decimal("62.5"), r=0.8333, m=1_500_000_000) == "63 % | 83,33 % | 83 % | 1.500.000.000 đ"
    assert render(template, "en", p=Decimal("62.5"), r=0.8333, m=1_500_000_000) == "63 % | 83.33 % | 83 % | 1,500,000,000 đ"


def test_no_value_is_a_dash():
    assert render("{{ v|number }} {{ v|count }} {{ v|percent }} {{ v|rate }} {{ v|money }} {{ n|number:2 }}", "vi",
                  v=None, n=float("nan")) == "— — — — — —"
