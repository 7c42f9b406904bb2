"""Deep links: read and write view state in the query string, with friendly Dutch messages."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from dashboard.safety import inert_text

MAX_SHOWN = 40
WRITTEN = "_bw_url_written"  # session key: what this session last wrote into the URL, per parameter
# 'het'-words among the labels: "Onbekend niveau", not "Onbekende niveau".
NEUTER = frozenset({"niveau", "jaar", "beginjaar", "eindjaar", "thema", "document", "oordeel"})


def adjective(word: str, label: str) -> str:
    """'Onbekende' → 'Onbekend' before a singular het-word (``NEUTER``); plural and de-words keep the -e."""
    return word.removesuffix("e") if label in NEUTER else word


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

    def from_link(self, key: str) -> str | None:
        """The URL's value for ``key`` when it came from a link, None when it is absent or is what this session wrote
        itself (a widget's value that :func:`set_params` put there): only a link's values deserve a notice."""
        value = self.get(key)
        try:
            written = st.session_state.get(WRITTEN, {})
        except Exception:  # noqa: BLE001 - outside a script run every value counts as a link's
            written = {}
        return None if key in written and written[key] == value else value

    def choice(self, key: str, allowed: Sequence[str], default: str, label: str,
               name: Callable[[str], str | None] | None = None, instead: str | None = None) -> str:
        """A value from ``allowed`` or the default (with a message when the URL asked for something else).

        ``name`` gives the Dutch name of a value (None for an unknown one): a known value that is not allowed here is
        named, not shown as its internal id, and the default is named too. ``instead`` says what is shown instead.
        """
        value = self.get(key)
        if value is None or value == "":
            return default
        if value in allowed:
            return value
        shown_default = instead or f"getoond wordt ‘{_shown(name(default) or default if name else default)}’"
        known = name(value) if name else None
        if known:
            self.messages.append(f"‘{_shown(known)}’ is hier niet beschikbaar; {shown_default}.")
        elif name:  # an id the catalogue does not know: not echoed (it reads as an internal code)
            self.messages.append(f"{adjective('Onbekende', label)} {label} in de link; {shown_default}.")
        else:
            self.messages.append(f"{adjective('Onbekende', label)} {label} ‘{_shown(value)}’ in de link; {shown_default}.")
        return default

    def choices(self, key: str, allowed: Sequence[str], default: Sequence[str], label: str,
                name: Callable[[str], str | None] | None = None) -> list[str]:
        """Comma-separated list of allowed values; unknown entries are dropped with a message.

        With ``name`` (the Dutch name of a value, None for an unknown one) a known value that is not allowed is named
        and unknown ids are counted, not echoed (they read as internal codes).
        """
        value = self.get(key)
        if not value:
            return list(default)
        items = [v for v in value.split(",") if v]
        good = list(dict.fromkeys(v for v in items if v in allowed))  # a repeated entry would duplicate widget keys
        bad = [v for v in items if v not in allowed]
        if bad and name:
            named = list(dict.fromkeys(n for n in (name(b) for b in bad) if n))
            unknown = len({b for b in bad if not name(b)})
            if named:
                self.messages.append(f"Niet beschikbaar en genegeerd: {', '.join(f'‘{_shown(n)}’' for n in named[:5])}.")
            if unknown:
                self.messages.append(f"{adjective('Onbekende', label)} {label} in de link genegeerd ({unknown}).")
        elif bad:
            self.messages.append(f"{adjective('Onbekende', label)} {label} in de link genegeerd: {', '.join(_shown(b) for b in bad[:5])}.")
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
        self.messages.append(f"{adjective('Ongeldige', label)} {label} ‘{_shown(value)}’ in de link; getoond wordt {default}.")
        return default

    def flag(self, key: str) -> bool:
        """True for 1/true/ja."""
        return (self.get(key) or "").lower() in ("1", "true", "ja", "yes")

    def show_messages(self) -> None:
        """Show the collected messages once, as a friendly notice."""
        for message in dict.fromkeys(self.messages):
            st.info(message, icon=":material/info:")


def set_params(**values: str | int | None) -> None:
    """Write the current view into the URL (None removes a key); remembers what it wrote (see ``from_link``)."""
    try:
        written = st.session_state.setdefault(WRITTEN, {})
        written.update({key: None if value is None or value == "" else str(value) for key, value in values.items()})
    except Exception:  # noqa: BLE001 - outside a script run there is no session to remember it in
        pass
    for key, value in values.items():
        try:
            if value is None or value == "":
                if key in st.query_params:
                    del st.query_params[key]
            elif st.query_params.get(key) != str(value):
                st.query_params[key] = str(value)
        except Exception:  # noqa: BLE001 - URL sync is best effort
            pass
