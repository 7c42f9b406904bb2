"""What every page shares for accessibility: Dutch document language, Dutch interface strings, focus styles, and
the navigation rendered by the app itself.

Streamlit 1.67 serves ``<html lang="en">`` and has no option to change it or its own interface strings
(streamlit/streamlit#15726, #1353). :func:`mount` runs a tiny custom component (v2, JS in the main document) once
per page run that sets ``document.documentElement.lang = "nl"`` and keeps it so, and translates a short, fixed list
of Streamlit's English labels (aria-labels, tooltips, placeholders, a few texts) to Dutch as they appear. Only exact
strings and the prefixes/patterns below are touched, never page content. It also fixes the locale that
Streamlit's 'localized' number format reads (``navigator.languages``) to ``nl-NL``, so that number columns of the
tables sort as numbers and read '113.915' and '80,7' in every browser.

Streamlit's own sidebar navigation has invalid list markup (``<ul>`` with ``<div>`` children), an English "View 8
more" button and a 1.11:1 focus tint; :func:`navigation` renders it with ``st.page_link`` instead.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

FOCUS = "#0b3d91"  # the primary colour: 10:1 on white, 9.5:1 on the sidebar's #f8f8f7
NAV_KEY = "bw_nav"
NAV_LABEL = "Pagina's"
LOCALE = "nl-NL"  # number notation of the tables (Streamlit's 'localized' format), whatever the browser's language

# Streamlit's English interface strings and their Dutch text (exact match on the trimmed value).
UI_STRINGS: dict[str, str] = {
    # page frame
    "Skip to main content": "Naar de hoofdinhoud",
    "Sidebar": "Zijbalk",
    "Collapse sidebar": "Zijbalk inklappen",
    "Expand sidebar": "Zijbalk uitklappen",
    "App pages": NAV_LABEL,
    "View less": "Minder tonen",
    "Main menu": "Hoofdmenu",
    "Link to heading": "Link naar deze kop",
    "Running...": "Bezig…",
    "Stop": "Stoppen",
    "Stop script": "Script stoppen",
    "Rerun": "Opnieuw uitvoeren",
    "Close": "Sluiten",
    "Dismiss": "Sluiten",
    "Notifications": "Meldingen",
    "Connecting": "Verbinden",
    "Connection error": "Verbindingsfout",
    "Please wait...": "Even geduld…",
    # the connection-lost dialog and the status widget (Streamlit's frontend, 1.67)
    "Streamlit server is not responding. Are you connected to the internet?":
        "De server van het dashboard reageert niet. Is uw computer met het internet verbonden?",
    "Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in your terminal:":
        "Draait het dashboard nog? Is het gestopt, start het dan opnieuw in de terminal:",
    "streamlit run yourscript.py": "python -m dashboard",
    "Connecting to Streamlit server": "Verbinden met de server",
    "Connecting to static app": "Verbinden met de app",
    "Unable to connect to Streamlit server": "Geen verbinding met de server",
    "Error": "Fout",
    "Connection lost. Please wait for the app to reconnect, then try again.":
        "De verbinding is verbroken. Wacht tot de app weer verbonden is en probeer het dan opnieuw.",
    "Download failed": "Downloaden mislukt",
    "Download plot": "Grafiek downloaden",
    "Download plot as a PNG": "Grafiek downloaden als PNG",
    "Copy to clipboard": "Naar het klembord kopiëren",
    "Copied": "Gekopieerd",
    "Copied!": "Gekopieerd",
    # selectbox, multiselect
    "Choose an option": "Kies een optie",
    "Choose options": "Kies opties",
    "Open": "Openen",
    "Clear value": "Waarde wissen",
    "Clear all": "Alles wissen",
    "Select all": "Alles selecteren",
    "Selected values": "Gekozen waarden",
    "No results": "Geen resultaten",
    "Multiselect options": "Keuzemogelijkheden",
    "Selectbox options": "Keuzemogelijkheden",
    "Show suggestions": "Suggesties tonen",
    "Suggestions": "Suggesties",
    # charts (Vega-Lite)
    "visualization": "visualisatie",
    "Vega visualization": "Grafiek",
    "Copy Vega-Lite spec": "Vega-Lite-specificatie kopiëren",
    "Download as PNG": "Downloaden als PNG",
    "Show data": "Gegevens tonen",
    "Show chart": "Grafiek tonen",
    # dataframe toolbar, search and column menu
    "Download as CSV": "Downloaden als CSV",
    "Search": "Zoeken",
    "Type to search": "Typ om te zoeken",
    "Close Search": "Zoeken sluiten",
    "Previous Result": "Vorig resultaat",
    "Next Result": "Volgend resultaat",
    "Fullscreen": "Volledig scherm",
    "Close fullscreen": "Volledig scherm sluiten",
    "Exit fullscreen": "Volledig scherm sluiten",
    "Show/hide columns": "Kolommen tonen of verbergen",
    "Dataframe column menu": "Kolommenu",
    "Sort ascending": "Oplopend sorteren",
    "Sort descending": "Aflopend sorteren",
    "Format": "Opmaak",
    "Autosize": "Breedte aanpassen",
    "Pin column": "Kolom vastzetten",
    "Unpin column": "Kolom losmaken",
    "Hide column": "Kolom verbergen",
    "Copy column name": "Kolomnaam kopiëren",
    "Statistics": "Statistieken",
    "Automatic": "Automatisch",
    "Localized": "Landinstelling",
    "Plain": "Zonder opmaak",
    "Percent": "Procent",
    "Scientific": "Wetenschappelijk",
    "Accounting": "Boekhoudkundig",
    "Count": "Aantal",
    "Distinct": "Verschillend",
    "Empty": "Leeg",
    "Sum": "Som",
    "Average": "Gemiddelde",
    "Median": "Mediaan",
    "Range": "Bereik",
    "Standard deviation": "Standaardafwijking",
    "Values": "Waarden",
    "Based on sample": "Op basis van een steekproef",
    "Top values frequency chart": "Grafiek van de meest voorkomende waarden",
    "Distribution histogram": "Histogram van de verdeling",
    "Minimum length": "Kleinste lengte",
    "Maximum length": "Grootste lengte",
    "Average length": "Gemiddelde lengte",
    "Rename": "Naam wijzigen",
    "Calendar": "Kalender",
    "Duration": "Duur",
    "No data": "Geen gegevens",
}
# 'Download as PNG: <chart alt>' → 'Downloaden als PNG: <chart alt>' (chart toolbar aria-labels).
UI_PREFIXES: tuple[str, ...] = ("Copy Vega-Lite spec", "Download as PNG", "Fullscreen", "Show data", "Show chart",
                                "Close fullscreen")
# Regular expressions (JavaScript syntax) on the trimmed value, with their Dutch replacement.
UI_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^Help for (.+)$", "Uitleg bij $1"),
    (r"^Remove (.+)$", "$1 verwijderen"),
    (r"^(.+) — start$", "$1 — begin"),
    (r"^(.+) — end$", "$1 — eind"),
    (r"^Select (\d+) matches$", "Alle $1 treffers selecteren"),
    (r"^View (\d+) more$", "Nog $1 tonen"),
    (r"^Download as (\w+)$", "Downloaden als $1"),
    # React Aria's screen-reader announcements in the select boxes
    (r"^1 option available\.$", "1 keuzemogelijkheid beschikbaar."),
    (r"^(\d+) options available\.$", "$1 keuzemogelijkheden beschikbaar."),
    (r"^(.+), selected$", "$1, gekozen"),
    (r"^You can only select up to 1 option\. Remove an option first\.$", "U kunt maar één optie kiezen. Verwijder eerst de gekozen optie."),
    (r"^You can only select up to (\d+) options\. Remove an option first\.$",
     "U kunt hoogstens $1 opties kiezen. Verwijder eerst een optie."),
)

# Inside Vega-Lite charts (SVG, skipped by the general pass): the ARIA labels and role descriptions Vega writes.
CHART_SCOPE = ".vega-embed"
CHART_STRINGS: dict[str, str] = {
    "axis": "as", "legend": "legenda", "title": "titel", "subtitle": "ondertitel", "line mark": "lijn",
    "rect mark": "rechthoek", "symbol mark": "punt", "area mark": "vlak", "text mark": "tekst", "rule mark": "lijnstuk",
    "group mark": "groep", "group mark container": "groep", "arc mark": "boog", "image mark": "afbeelding", "trail mark": "spoor",
}
CHART_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^Title text '(.*)'$", "Titel ‘$1’"),
    (r"^Subtitle text '(.*)'$", "Ondertitel ‘$1’"),
    (r"^([XY])-axis titled '(.*)' for a \w+ scale with values from (.+) to (.+)$", "$1-as ‘$2’ met waarden van $3 tot $4"),
    (r"^([XY])-axis titled '(.*)' for a \w+ scale with (\d+) values?: (.+)$", "$1-as ‘$2’ met $3 waarden: $4"),
    (r"^([XY])-axis for a \w+ scale with values from (.+) to (.+)$", "$1-as met waarden van $2 tot $3"),
    (r"^([XY])-axis for a \w+ scale with (\d+) values?: (.+)$", "$1-as met $2 waarden: $3"),
    (r"^\w* ?[Ll]egend titled '(.*)' for .+ with values from (.+) to (.+)$", "Legenda ‘$1’ met waarden van $2 tot $3"),
    (r"^\w* ?[Ll]egend titled '(.*)' for .+ with (\d+) values?: (.+)$", "Legenda ‘$1’ met $2 waarden: $3"),
)

JS = r"""
const ATTRS = ['aria-label', 'title', 'placeholder', 'aria-roledescription'];
const SKIP = 'svg, script, style, table, [role="grid"], .bw-map';

function translator(d) {
  const exact = new Map(Object.entries(d.strings));
  const patterns = d.patterns.map(([re, out]) => [new RegExp(re), out]);
  return (value) => {
    const key = (value || '').trim();
    if (!key) return null;
    let out = exact.get(key);
    if (out === undefined) {
      const prefix = d.prefixes.find((p) => key.startsWith(p + ': '));
      if (prefix) out = exact.get(prefix) + key.slice(prefix.length);
    }
    if (out === undefined) {
      const hit = patterns.find(([re]) => re.test(key));
      if (hit) out = key.replace(hit[0], hit[1]);
    }
    return out === undefined || out === key ? null : value.replace(key, out);
  };
}

function translateElement(el, tr) {
  for (const name of ATTRS) {
    const v = el.getAttribute(name);
    const out = v && tr(v);
    if (out) el.setAttribute(name, out);
  }
}

function translateTree(root, tr) {
  if (root.nodeType === Node.TEXT_NODE) {
    const parent = root.parentElement;
    if (parent && !parent.closest(SKIP)) { const out = tr(root.nodeValue); if (out) root.nodeValue = out; }
    return;
  }
  if (root.nodeType !== Node.ELEMENT_NODE || root.closest(SKIP)) return;
  translateElement(root, tr);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (n.nodeType === Node.ELEMENT_NODE && n.matches(SKIP)) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.nodeType === Node.TEXT_NODE) { const out = tr(n.nodeValue); if (out) n.nodeValue = out; }
    else translateElement(n, tr);
  }
}

function translateCharts(charts, trc) {
  // Vega (re)draws its SVG: translate the ARIA labels of every chart that changed, once per batch.
  charts.forEach((chart) => {
    translateElement(chart, trc);
    chart.querySelectorAll('[aria-label], [aria-roledescription], [title]').forEach((el) => translateElement(el, trc));
  });
}

function chartsOf(node, scope) {
  const el = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
  if (!el) return [];
  const own = el.closest(scope);
  return own ? [own] : Array.from(el.querySelectorAll(scope));
}

function markNavigation(d) {
  const nav = document.querySelector('.st-key-' + d.nav_key);
  if (!nav) return;
  if (nav.getAttribute('role') !== 'navigation') nav.setAttribute('role', 'navigation');
  if (nav.getAttribute('aria-label') !== d.nav_label) nav.setAttribute('aria-label', d.nav_label);
  const here = window.location.pathname.replace(/\/+$/, '') || '/';
  nav.querySelectorAll('a[href]').forEach((a) => {
    const raw = a.getAttribute('href');  // '' for the default page: the app's root
    let path = raw;
    try { path = raw ? new URL(raw, document.baseURI).pathname.replace(/\/+$/, '') || '/' : '/'; } catch (e) { /* keep */ }
    const current = path === here || (raw === '' && here === '/' + d.home);
    if (current && a.getAttribute('aria-current') !== 'page') a.setAttribute('aria-current', 'page');
    else if (!current && a.hasAttribute('aria-current')) a.removeAttribute('aria-current');
  });
}

function dutchNumbers(locale) {
  // Streamlit's 'localized' number format (tables) reads navigator.languages: the page's language, not the browser's.
  if (navigator.languages && navigator.languages[0] === locale) return;
  const langs = Object.freeze([locale, locale.split('-')[0]]);
  try {
    Object.defineProperty(Navigator.prototype, 'languages', {configurable: true, get: () => langs});
    Object.defineProperty(Navigator.prototype, 'language', {configurable: true, get: () => locale});
  } catch (e) { /* a browser that refuses keeps its own notation */ }
}

export default function (component) {
  const d = component.data;
  const w = window;
  const root = document.documentElement;
  if (root.lang !== d.lang) root.lang = d.lang;
  dutchNumbers(d.locale);
  if (w.__bwNl && w.__bwNl.key === d.key) { markNavigation(d); return; }
  if (w.__bwNl) w.__bwNl.observer.disconnect();
  const tr = translator(d);
  const trc = translator({strings: {...d.strings, ...d.chart_strings}, prefixes: d.prefixes,
                          patterns: [...d.chart_patterns, ...d.patterns]});
  let busy = false;
  const observer = new MutationObserver((records) => {
    if (busy) return;
    busy = true;
    try {
      const charts = new Set();
      for (const r of records) {
        if (r.type === 'attributes') {
          if (r.target === root) { if (root.lang !== d.lang) root.lang = d.lang; }
          else if (!r.target.closest(SKIP)) translateElement(r.target, tr);
          else if (r.target.closest(d.chart_scope)) charts.add(r.target.closest(d.chart_scope));
        } else if (r.type === 'characterData') translateTree(r.target, tr);
        else {
          r.addedNodes.forEach((n) => { translateTree(n, tr); chartsOf(n, d.chart_scope).forEach((c) => charts.add(c)); });
          if (r.target.closest && r.target.closest(d.chart_scope)) charts.add(r.target.closest(d.chart_scope));
        }
      }
      translateCharts(charts, trc);
      markNavigation(d);
    } finally { busy = false; }
  });
  observer.observe(root, {subtree: true, childList: true, characterData: true, attributes: true,
                          attributeFilter: ['lang', ...ATTRS]});
  w.__bwNl = {key: d.key, observer};
  translateTree(document.body, tr);
  translateCharts(new Set(document.querySelectorAll(d.chart_scope)), trc);
  markNavigation(d);
}
"""

CSS = f"""
<style>
/* Focus: a 3 px outline in the primary colour on every control (Streamlit's own ring is 2.7:1, its nav tint 1.1:1). */
a:focus-visible, button:focus-visible, summary:focus-visible, [role="button"]:focus-visible,
[role="slider"]:focus-visible, [role="tab"]:focus-visible, [tabindex]:focus-visible {{
  outline: 3px solid {FOCUS} !important; outline-offset: 2px !important; }}
[data-testid="stCheckbox"] label:has(input:focus-visible), [data-testid="stRadio"] label:has(input:focus-visible),
[data-baseweb="select"]:has(input:focus-visible) > div, [data-testid="stTextInput"] div:has(> input:focus-visible) {{
  outline: 3px solid {FOCUS} !important; outline-offset: 2px; }}
[data-baseweb="select"] input:focus-visible, [data-testid="stCheckbox"] input:focus-visible,
[data-testid="stRadio"] input:focus-visible {{ outline: none !important; }}
[data-testid="stSidebar"] a:focus-visible, [data-testid="stSidebar"] button:focus-visible,
[data-testid="stExpander"] summary:focus-visible {{ outline-offset: -3px !important; }}
/* The sidebar's collapse button: Streamlit shows it only on mouse-over, so the keyboard could not reach it. */
[data-testid="stSidebarCollapseButton"] {{ visibility: visible !important; }}
/* A collapsed sidebar is moved off-screen but stays focusable; hide it so Tab does not vanish into it. */
[data-testid="stSidebar"][data-collapsed="true"] [data-testid="stSidebarContent"] {{ visibility: hidden; }}
/* A switch that is off: its track at 3.2:1 (WCAG 1.4.11; Streamlit's light grey is 1.6:1). */
[data-testid="stCheckbox"]:not([data-selected="true"]) label:has(input[role="switch"]) > span + div {{
  background-color: #8a8a8a !important; }}
h1 a:focus-visible, h2 a:focus-visible, h3 a:focus-visible {{ opacity: 1 !important; visibility: visible !important; }}
/* Text: Streamlit fades captions and quotes with opacity .6 (3.88:1); solid colours instead (8.4:1, 12.6:1). */
[data-testid="stCaptionContainer"] {{ color: #4d4d4d; opacity: 1 !important; }}
[data-testid="stMarkdownContainer"] blockquote {{ color: #333333; opacity: 1 !important; border-left-color: #767676; }}
/* The navigation (see dashboard/document.py). */
.st-key-{NAV_KEY} {{ gap: 0 !important; }}
.st-key-{NAV_KEY} [data-testid="stPageLink-NavLink"] {{ margin: 0; padding-top: .18rem; padding-bottom: .18rem; }}
.st-key-{NAV_KEY} [data-testid="stMarkdownContainer"]:has(> .bw-nav-section) {{ margin-bottom: 0; }}
.st-key-{NAV_KEY} .bw-nav-section {{ font-size: .82rem; font-weight: 700; color: #4d4d4d; margin: .7rem 0 .15rem .5rem; }}
.st-key-{NAV_KEY} [data-testid="stElementContainer"]:first-child .bw-nav-section {{ margin-top: 0; }}
[data-testid="stSidebar"] h2 {{ font-size: 1.15rem; padding-top: .6rem; }}
.bw-sr {{ position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }}
.st-key-bw_document {{ display: none; }}
</style>
"""


@st.cache_resource(show_spinner=False)
def _component() -> Any:
    """The document helper component (registered once per process)."""
    return st.components.v2.component("bw_document", js=JS, isolate_styles=False)


def ui_strings(home: str = "") -> dict[str, Any]:
    """The data the component gets: language, navigation label and home page path, the English → Dutch strings."""
    data: dict[str, Any] = {"lang": "nl", "locale": LOCALE, "nav_key": NAV_KEY, "nav_label": NAV_LABEL, "home": home,
                            "strings": dict(UI_STRINGS),
                            "prefixes": list(UI_PREFIXES), "patterns": [list(p) for p in UI_PATTERNS],
                            "chart_scope": CHART_SCOPE, "chart_strings": dict(CHART_STRINGS),
                            "chart_patterns": [list(p) for p in CHART_PATTERNS]}
    data["key"] = hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()[:12]
    return data


def mount(home: str = "") -> None:
    """Dutch document language, Dutch interface strings and the shared CSS; call once at the top of every run.

    ``home``: the URL path of the default page (Streamlit links it as ``/``), for ``aria-current`` in the navigation.
    """
    st.html(CSS)
    _component()(data=ui_strings(home), key="bw_document", height=0)


def navigation(sections: Mapping[str, Sequence[Any]]) -> None:
    """The pages as links in the sidebar, grouped under their section names (hidden pages left out)."""
    with st.sidebar, st.container(key=NAV_KEY, gap=None):
        for section, pages in sections.items():
            shown = [p for p in pages if getattr(p, "visibility", "visible") != "hidden"]
            if not shown:
                continue
            st.markdown(f"<div class='bw-nav-section'>{html.escape(section)}</div>", unsafe_allow_html=True)
            for page in shown:
                st.page_link(page, label=page.title, icon=page.icon, width="stretch")
