"""The controls bound to the URL, each declared once as a `Control`: its key (the URL's
name for it), widget, range or choices, and default.

A declaration is plain data, so a lesson declares its controls beside the numbers they
compute; `ema_lab.ui.widgets` draws it and checks a link against it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ema_lab.model.text import escape_markdown

Widget = Literal[
    "select_slider", "slider", "number", "selectbox", "radio", "pills", "multiselect", "toggle"
]
CHOICES = ("select_slider", "selectbox", "radio", "pills", "multiselect")
MANY = ("pills", "multiselect")  # the widgets that hold several choices
UNSET: Any = object()


_PLAIN = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def _number(text: str) -> float | None:
    """The number ``text`` writes plainly (ASCII digits, a point, an exponent), or None:
    Python's `float` also reads ``1_0``, full-width ``０.９`` and ``1e-400`` (as 0).

    >>> [_number(t) for t in ("0.9", "-0", "1e3", "1_0", "０.９", "1e-400", "inf", "")]
    [0.9, 0.0, 1000.0, None, None, None, None, None]
    """
    if not _PLAIN.fullmatch(text):
        return None
    value = float(text)
    underflow = value == 0 and any(d in "123456789" for d in re.split("[eE]", text)[0])
    if underflow or not math.isfinite(value):
        return None
    return value + 0.0  # -0 is 0: never "ema₀ = -0"


def _unplain(text: str) -> bool:
    """Whether ``text`` is a number only in a way the link does not take (``1_0``)."""
    try:
        float(text)
    except ValueError:
        return False
    return _number(text) is None and math.isfinite(float(text))


@dataclass(frozen=True)
class Control:
    """One URL-bound control: its key (the URL's name for it), widget, range and default.

    ``high`` may be left to the page (`draw` ``(high=...)``) when it depends on another
    control, such as ``start_after ≤ steps``; the link is then checked against it too.
    """

    key: str
    label: str
    widget: Widget
    default: Any = None
    options: tuple = ()
    low: float | None = None
    high: float | None = None
    step: float | None = None
    whole: bool = False  # a whole number, drawn as a float input without decimals
    allowed: str = ""  # the warning's words for what the link may hold, if not the range
    format_func: Callable[[Any], str] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # help, format, horizontal, ...

    @property
    def _whole(self) -> bool:
        return self.whole or type(self.default) is int  # an int widget takes ints only

    def text(self, option: Any) -> str:
        """How the URL writes ``option``."""
        return (self.format_func or str)(option)

    def bounds(self, low: float | None = None, high: float | None = None) -> tuple[float, float]:
        """The range in effect: the declared one, unless the page gives a bound at draw time."""
        return (self.low if low is None else low, self.high if high is None else high)

    def expected(self, high: float | None = None, low: float | None = None) -> str:
        """What the link may hold for this control, in words."""
        if self.allowed:
            return self.allowed
        if self.widget == "toggle":
            return "true or false"
        if self.widget in CHOICES:
            texts = [self.text(o) for o in self.options]
            return "one of " + ", ".join(texts[:8]) + (", …" if len(texts) > 8 else "")
        low, high = self.bounds(low, high)
        kind = "a whole number" if self._whole else "a number"
        return f"{kind} from {low:,.10g} to {high:,.10g}"  # 2,147,483,647, not 2.14748e+09

    def accepts(self, text: str, high: float | None = None, low: float | None = None) -> bool:
        """Whether the widget can take the link's ``text``."""
        if self.widget == "toggle":
            return text in ("true", "false")
        if self.widget in CHOICES:
            return text in {self.text(o) for o in self.options}
        value, (low, high) = _number(text), self.bounds(low, high)
        return (
            value is not None and low <= value <= high and (value.is_integer() or not self._whole)
        )

    def problem(
        self, values: Sequence[str], high: float | None = None, low: float | None = None
    ) -> str | None:
        """What is wrong with the link's values for this control, or None."""
        many = self.widget in MANY
        once = self.widget in ("select_slider", "slider")  # a key given twice is a range
        checked = list(values) if many or once else list(values)[-1:]
        if many and checked == [""]:  # how the link writes an empty selection
            return None
        most = self.extra.get("max_selections")
        if many and most and len(checked) > most:
            shown = escape_markdown(", ".join(checked)[:60])
            return f"**{self.key}** = {shown} (at most {most} values: the first {most} are used)"
        one = checked and not (once and len(checked) > 1)
        if one and all(self.accepts(v, high, low) for v in checked):
            return None
        shown = escape_markdown(", ".join(checked)[:40]) or "(empty)"
        near = self.nearest(checked[-1], high, low) if len(checked) == 1 else None
        also = f"; the nearest accepted value is {near}" if near is not None else ""
        if self.widget in ("slider", "number") and any(_unplain(v) for v in checked):
            also += "; numbers in plain digits, such as 10 or 0.5"
        return f"**{self.key}** = {shown} (expected {self.expected(high, low)}{also})"

    def nearest(self, text: str, high: float | None = None, low: float | None = None) -> str | None:
        """The accepted value nearest to a number the link holds out of range, as the link
        writes it (None for anything else: text, not finite, or not a number's control).

        >>> Control("noise", "noise", "slider", 0.3, low=0.0, high=2.0).nearest("5")
        '2'
        >>> Control("n", "n", "select_slider", 100, options=(100, 200, 500)).nearest("-5")
        '100'
        """
        value = _number(text)
        if value is None:
            return None
        if self.widget == "select_slider":
            numbers = [o for o in self.options if isinstance(o, (int, float))]
            if len(numbers) != len(self.options) or not numbers:
                return None
            return self.text(min(numbers, key=lambda option: abs(option - value)))
        low, high = self.bounds(low, high)
        if self.widget not in ("slider", "number") or low is None or high is None:
            return None
        near = min(max(value, low), high)
        if self._whole:
            near = min(max(round(near), math.ceil(low)), math.floor(high))
        return f"{near:.10g}"

    def parse(
        self, values: Sequence[str], high: float | None = None, low: float | None = None
    ) -> Any:
        """The value the link's ``values`` give this control, or `UNSET` if unusable.
        A selection keeps the options it can use (`problem` names the others)."""
        if self.widget in MANY:
            by_text = {self.text(o): o for o in self.options}
            # More than the widget may hold would stop the page: the first ones are used.
            usable = [by_text[v] for v in values if v in by_text][
                : self.extra.get("max_selections")
            ]
            return usable if usable or list(values) == [""] else UNSET
        if self.problem(values, high, low) is not None:
            return UNSET
        text = list(values)[-1]
        if self.widget == "toggle":
            return text == "true"
        if self.widget in CHOICES:
            return next(o for o in self.options if self.text(o) == text)
        value = _number(text)
        return int(value) if self._whole else value

    def texts(self, value: Any) -> tuple[str, ...]:
        """How the link writes ``value``: one text, or one per item of a selection
        (none for an empty number input)."""
        if value is None:
            return ()
        if self.widget in MANY:
            return tuple(self.text(v) for v in value) or ("",)
        if self.widget == "toggle":
            return ("true" if value else "false",)
        if self.widget in CHOICES:
            return (self.text(value),)
        return (str(int(value)),) if self.whole else (f"{float(value) + 0.0:.10g}",)
