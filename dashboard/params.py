"""Deep links: read and write view state in the query string, with friendly Dutch messages."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from dashboard.safety import inert_text

MAX_SHOWN = 40


def _shown(value: str) -> str:
    """A user-supplied value made safe to show (truncated, escaped, no links or emoji): see ``inert_text``."""
    return inert_text(value, MAX_SHOWN + 1)


class ViewParams:
    """Reads query parameters once per run; invalid values fall back to defaults with a message."""

    def __init__(self) -> None:
        try:
            self.raw = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
        except Exception:  # noqa: BLE001 - a broken query string must never break the page
            self.raw = {}
        self.messages: list[str] = []

    def get(self, key: str) -> str | None:
        values = self.raw.get(key) or []
        return values[-1] if values else None

    def choice(self, key: str, allowed: Sequence[str], default: str, label: str) -> str:
        """A value from ``allowed`` or the default (with a message when the URL asked for something else)."""
        value = self.get(key)
        if value is None or value == "":
            return default
        if value in allowed:
            return value
        self.messages.append(f"Onbekende {label} ‘{_shown(value)}’ in de link; getoond wordt ‘{_shown(default)}’.")
        return default

    def choices(self, key: str, allowed: Sequence[str], default: Sequence[str], label: str) -> list[str]:
        """Comma-separated list of allowed values; unknown entries are dropped with a message."""
        value = self.get(key)
        if not value:
            return list(default)
        items = [v for v in value.split(",") if v]
        good = list(dict.fromkeys(v for v in items if v in allowed))  # a repeated entry would duplicate widget keys
        bad = [v for v in items if v not in allowed]
        if bad:
            self.messages.append(f"Onbekende {label} in de link genegeerd: {', '.join(_shown(b) for b in bad[:5])}.")
        return good or list(default)

    def limited(self, values: list[str], limit: int, label: str) -> list[str]:
        """At most ``limit`` values (widgets cap their selections), with a message when some were dropped."""
        if len(values) > limit:
            self.messages.append(f"Te veel {label} in de link; de eerste {limit} worden getoond.")
        return values[:limit]

    def integer(self, key: str, allowed: Sequence[int], default: int, label: str) -> int:
        """An integer from ``allowed`` or the default."""
        value = self.get(key)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            number = None
        if number in allowed:
            return number
        self.messages.append(f"Ongeldige {label} ‘{_shown(value)}’ in de link; getoond wordt {default}.")
        return default

    def flag(self, key: str) -> bool:
        """True for 1/true/ja."""
        return (self.get(key) or "").lower() in ("1", "true", "ja", "yes")

    def show_messages(self) -> None:
        """Show the collected messages once, as a friendly notice."""
        for message in dict.fromkeys(self.messages):
            st.info(message, icon=":material/info:")


def set_params(**values: str | int | None) -> None:
    """Write the current view into the URL (None removes a key)."""
    for key, value in values.items():
        try:
            if value is None or value == "":
                if key in st.query_params:
                    del st.query_params[key]
            elif st.query_params.get(key) != str(value):
                st.query_params[key] = str(value)
        except Exception:  # noqa: BLE001 - URL sync is best effort
            pass
