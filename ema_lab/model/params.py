"""The controls bound to the URL, each declared once as a `Control`: its key (the URL's
name for it), widget, range or choices, and default.

A declaration is plain data, so a lesson declares its controls beside the numbers they
compute; `ema_lab.ui.widgets` draws it and checks a link against it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ema_lab.model.text import escape_markdown

Widget = Literal[
    "select_slider", "slider", "number", "selectbox", "radio", "pills", "multiselect", "toggle"
]
CHOICES = ("select_slider", "selectbox", "radio", "pills", "multiselect")
UNSET: Any = object()


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


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
        kind = "a whole number" if self.whole else "a number"
        return f"{kind} from {low:,.10g} to {high:,.10g}"  # 2,147,483,647, not 2.14748e+09

    def accepts(self, text: str, high: float | None = None, low: float | None = None) -> bool:
        """Whether the widget can take the link's ``text``."""
        if self.widget == "toggle":
            return text in ("true", "false")
        if self.widget in CHOICES:
            return text in {self.text(o) for o in self.options}
        value = _number(text)
        low, high = self.bounds(low, high)
        return (
            value is not None and low <= value <= high and (not self.whole or value == int(value))
        )

    def problem(
        self, values: Sequence[str], high: float | None = None, low: float | None = None
    ) -> str | None:
        """What is wrong with the link's values for this control, or None."""
        many = self.widget in ("pills", "multiselect")
        once = self.widget in ("select_slider", "slider")  # a key given twice is a range
        checked = list(values) if many or once else list(values)[-1:]
        if many and checked == [""]:  # how the link writes an empty selection
            return None
        most = self.extra.get("max_selections")
        if many and most and len(checked) > most:
            shown = escape_markdown(", ".join(checked)[:60])
            return f"**{self.key}** = {shown} (at most {most} values: the first {most} are used)"
        if (
            checked
            and not (once and len(checked) > 1)
            and all(self.accepts(v, high, low) for v in checked)
        ):
            return None
        shown = escape_markdown(", ".join(checked)[:40]) or "(empty)"
        near = self.nearest(checked[-1], high, low) if len(checked) == 1 else None
        also = f"; the nearest accepted value is {near}" if near is not None else ""
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
        if self.widget not in ("slider", "number"):
            return None
        low, high = self.bounds(low, high)
        if low is None or high is None:
            return None
        near = min(max(value, low), high)
        if self.whole or type(self.default) is int:
            near = min(max(round(near), math.ceil(low)), math.floor(high))
        return f"{near:.10g}"

    def parse(
        self, values: Sequence[str], high: float | None = None, low: float | None = None
    ) -> Any:
        """The value the link's ``values`` give this control, or `UNSET` if unusable.
        A selection keeps the options it can use (`problem` names the others)."""
        if self.widget in ("pills", "multiselect"):
            by_text = {self.text(o): o for o in self.options}
            usable = [by_text[v] for v in values if v in by_text]
            # More than the widget may hold would stop the page: the first ones are used.
            usable = usable[: self.extra.get("max_selections") or len(usable)]
            return usable if usable or list(values) == [""] else UNSET
        if self.problem(values, high, low) is not None:
            return UNSET
        text = list(values)[-1]
        if self.widget == "toggle":
            return text == "true"
        if self.widget in CHOICES:
            return next(o for o in self.options if self.text(o) == text)
        value = float(text)
        if self.whole or type(self.default) is int:  # an int widget takes ints only
            return int(value) if value.is_integer() else UNSET
        return value

    def texts(self, value: Any) -> tuple[str, ...]:
        """How the link writes ``value``: one text, or one per item of a selection
        (none for an empty number input)."""
        if value is None:
            return ()
        if self.widget in ("pills", "multiselect"):
            return tuple(self.text(v) for v in value) or ("",)
        if self.widget == "toggle":
            return ("true" if value else "false",)
        if self.widget in CHOICES:
            return (self.text(value),)
        if self.whole:
            return (str(int(value)),)
        return (f"{float(value):.10g}",)


def typed_decay(key: str, label: str, default: float, *, high: float, step: float) -> Control:
    """A decay typed in as a number with four decimals: a worked example's own decay."""
    return Control(
        key, label, "number", default, low=0.0, high=high, step=step, extra={"format": "%.4f"}
    )


IMAGE_FORMAT = Control(
    "image_format",
    "chart images download as",
    "radio",
    default="png",
    options=("png", "svg"),
    extra={
        "horizontal": True,
        "help": "The camera button of every chart's tool bar saves it in this format.",
    },
)
"""The format of every chart's image export (its tool bar's camera button)."""


# -- the decay scale of every decay slider -------------------------------------------


def _decay_grid() -> tuple[float, ...]:
    # Fine near 1: as many stops from 0.99 to 0.999 as from 0.9 to 0.99.
    parts = [
        np.arange(0.0, 0.5, 0.1),
        np.arange(0.5, 0.9, 0.05),
        np.arange(0.9, 0.99, 0.005),
        np.arange(0.99, 0.999, 0.0005),
        np.arange(0.999, 0.9999, 0.00005),
        [0.9999],
    ]
    return tuple(sorted({round(float(v), 6) for part in parts for v in part}))


DECAY_GRID: tuple[float, ...] = _decay_grid()
"""The stops of every decay slider; 0.9, 0.99, 0.999 and 0.9999 among them."""

DECAY_ALLOWED = "a decay on the slider, from 0 to 0.9999, such as 0.9, 0.99, 0.995 or 0.999"


def fmt_decay(decay: float) -> str:
    """How a decay is written in labels and URLs: ``0.99``, ``0.99905``."""
    return f"{decay:g}"
