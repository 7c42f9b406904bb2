"""Over: sources, methods, verdict rule, region definitions, licence and the accessibility statement."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from dashboard import common, data
from dashboard.safety import safe_text

METHODS_MD = """
**Officieel vóór afgeleid.** Waar CBS een cijfer publiceert voor een gebied (Nederland, landsdeel, provincie,
COROP-gebied, gemeente) tonen we dat cijfer (methode `cbs`). Alleen waar CBS geen cijfer heeft, leiden we er één af
uit gemeentecijfers; die waarden dragen een methode `derived:…` en worden overal als *afgeleid* gemarkeerd.

**Aggregatie**: aandelen, percentages en gemiddelden per persoon → bevolkingsgewogen gemiddelde
van de gemeenten (gewicht: bevolking op 1 januari, CBS 03759NED en Gebieden in Nederland; voor jaren zonder
bevolkingscijfer het dichtstbijzijnde jaar). Medianen → bevolkingsgewogen gemiddelde van gemeentemedianen, gemarkeerd
als *benadering*. Aandelen van het landoppervlak → oppervlaktegewogen (KWB 2024). Aantallen → som, alleen als alle
gemeenten een waarde hebben. Elke afgeleide waarde heeft een **dekking** (aandeel van de bevolking met gegevens);
onder 50% dekking geven we geen waarde. Regio's die precies een CBS-gebied zijn krijgen het officiële cijfer; voor
een unie van COROP-gebieden zonder gemeentecijfers wordt het bevolkingsgewogen gemiddelde van de COROP-cijfers gebruikt.

**Schaal van het profiel.** Verschil tussen regio en Nederland in hetzelfde jaar, gemeten in robuuste
standaardafwijkingen van de 40 COROP-gebieden in dat jaar, met het teken zo dat positief = beter (richting uit de
catalogus); zie hieronder de regel *niveau*.

**Positie.** Rang onder de 40 COROP-gebieden in hetzelfde jaar, 1 = best volgens de richting van de indicator.

**Afbakening.** Voor regio's waarvan de beleidsafbakening afwijkt van de COROP-indeling zijn beide beschikbaar.
Officiële CBS-cijfers bestaan alleen voor COROP-gebieden; beleidsregio's krijgen altijd afgeleide cijfers.
"""


TIEN_ELF_MD = """
**Tien of elf regio's?** Voetnoot 5 van het SER Noord-Nederland-advies noemt de tien regio's die volgens het kabinet
door het rijksbeleid op achterstand zijn gekomen; dit dashboard volgt die tien. De brief van het ministerie van
Financiën (2025) meldt dat er in het najaar van 2024 regiodialogen zijn gevoerd met *elf* regio's; welke elfde regio
daarbij hoort, noemt die brief niet. Daarom blijft het dashboard bij de tien uit voetnoot 5 (claim c077 staat in de
lijst als niet toetsbaar).
"""


AGGREGATION_NL = {"weighted_mean": "bevolkingsgewogen gemiddelde", "median_approx": "benadering van de mediaan",
                  "area_weighted_mean": "oppervlaktegewogen gemiddelde", "sum": "som", "none": "niet (alleen CBS-cijfers)"}

# The accessibility statement (Toegankelijkheidsverklaring). The test facts (axe-core version, browser, date) are
# those of tests/e2e/test_accessibility.py, which runs the same checks in every test run.
ACCESSIBILITY_MD = """
**Standaard.** Dit dashboard is gemaakt om te voldoen aan de Europese norm EN 301 549, die voor websites en
webapplicaties de Web Content Accessibility Guidelines (WCAG) 2.1 op niveau A en AA volgt: de eis voor websites van
Nederlandse overheden (Besluit digitale toegankelijkheid overheid). Dit is een eigen beoordeling door het
productteam, geen onderzoek door een onafhankelijke partij. Status: **voldoet gedeeltelijk**; de uitzonderingen
hieronder zitten in Streamlit, het raamwerk waarmee het dashboard gebouwd is.

**Hoe getest** (1 december 2026):

- *Automatisch:* axe-core 4.14.1 met alle regels voor WCAG 2.0 en 2.1, niveau A en AA, in Chromium 156 (Debian 12,
  zonder beeldscherm, via Playwright), op Nederland (`/`), een regiopagina (`/twente`, alle uitklapblokken open), de
  presentatiemodus, Vergelijk, Claims, Data downloaden en Over, steeds met de hele pagina in beeld. Uitkomst: geen
  ernstige of kritieke bevindingen. Dezelfde toets draait bij elke testronde mee.
- *Alleen het toetsenbord:* een regiopagina doorlopen met Tab, Shift+Tab, Enter, spatie en de pijltjestoetsen.
  Elke link, knop, tegel, keuzelijst, schakelaar en uitklapblok krijgt een zichtbare focusrand (donkerblauw, 3 px,
  contrast minstens 3:1), en na het laatste element komt de focus weer bovenaan: geen toetsenbordval. Op een kaart
  lopen de pijltjestoetsen de gebieden langs.
- *Verder gecontroleerd:* de paginataal (Nederlands, ook na het wisselen van pagina), één hoofdkop per pagina en
  geen overgeslagen kopniveaus, een tekstalternatief bij elke grafiek en kaart (een beschrijving, en een tabel met
  dezelfde cijfers), contrast van tekst minstens 4,5:1 (ook in grafieken en kaarten) en van randen van
  bedieningselementen minstens 3:1.
- *Niet getest:* met schermlezers (NVDA, JAWS, VoiceOver), met spraakbesturing, en op telefoons en tablets.

**Bekende uitzonderingen:**

1. *Paginataal bij het laden.* Streamlit levert de pagina met `lang="en"`
   ([streamlit/streamlit#15726](https://github.com/streamlit/streamlit/issues/15726)). Het dashboard zet de taal op
   Nederlands zodra de pagina geladen is; in het korte moment daarvoor is die Engels, en als JavaScript uitstaat
   toont Streamlit alleen de Engelse melding *You need to enable JavaScript to run this app.*
2. *Engelse teksten van Streamlit.* Streamlit kent geen vertalingen van zijn eigen teksten
   ([streamlit/streamlit#1353](https://github.com/streamlit/streamlit/issues/1353),
   [#10380](https://github.com/streamlit/streamlit/issues/10380)). Het dashboard vervangt de bekende Engelse
   teksten door Nederlandse zodra ze verschijnen: knoppen en hulpteksten bij tabellen en grafieken, de zijbalk,
   keuzelijsten en hun meldingen voor schermlezers, de melding bij een verbroken verbinding en de verbindingsstatus,
   en de beschrijvingen die de grafieken voor schermlezers meegeven (zoals de titel van een grafiek). Wat het
   dashboard niet kan bereiken en dus Engels blijft:
   - de melding *You need to enable JavaScript to run this app.* als JavaScript uitstaat, en de paginataal in het
     korte moment voordat de pagina geladen is (zie punt 1);
   - de melding van Streamlit als de server de verbinding weigert (*Cannot connect to Streamlit (HTTP status:
     403)* met een uitleg over CORS-instellingen) en meldingen waarin Streamlit de foutmelding van de browser zelf
     doorgeeft;
   - in de beschrijvingen van grafieken voor schermlezers de zeldzame opsommingen van Vega met *ending with* of
     *boundaries* (bij lange reeksen waarden op een as of in een legenda);
   - de vensters en meldingen van de browser zelf (bijvoorbeeld bij het opslaan van een download).
3. *Tabellen.* Streamlit tekent tabellen (zoals de ranglijst) op een canvas, met een onzichtbare kopie voor
   hulpsoftware. Met Tab gaat de focus eerst langs de cellen van een rij voordat hij de tabel verlaat.

**Contact.** Loopt u tegen een probleem aan met de toegankelijkheid van dit dashboard, of heeft u informatie in een
andere vorm nodig? Meld het bij het productteam via de issuetracker van de repository van dit dashboard, met de link
naar de pagina en wat er misging.
"""


def catalogue_table() -> pd.DataFrame:
    """The indicator catalogue with Dutch column names and values (the codes stay where they are identifiers)."""
    cat = data.indicators()
    return pd.DataFrame({
        "Indicator": cat["indicator_id"], "Naam": cat["name_nl"], "Thema": cat["theme_name"], "Eenheid": cat["unit"],
        "Richting": cat["direction"].map(common.direction_nl), "Brontabel": cat["source_table"],
        "Maat (CBS-code)": cat["measure"], "Periode": cat["period_type"], "Niveaus in de catalogus": cat["levels"],
        "Niveaus in de datastore": cat["levels_in_store"],
        "Aggregatie": cat["aggregation"].map(lambda a: AGGREGATION_NL.get(a, a)), "Kanttekening": cat["uncertain"],
    })


ORDER = ["niveau", "achterstand", "reeksbreuk", "spreiding", "groep", "ontwikkeling", "krimp", "oordeel", "robuustheid",
         "grenzen"]
# The table of contents: anchor → heading (a link such as /over#regel-niveau points at one rule).
SECTIONS = {"bronnen": "Bronnen", "methoden": "Methoden", "regels": "Hoe we claims toetsen en regio's vergelijken",
            "regios": "Regio's en hun afbakening", "catalogus": "Indicatorcatalogus", "licentie": "Licentie",
            "toegankelijkheid": "Toegankelijkheidsverklaring"}


def rule_keys() -> list[str]:
    """The rules in reading order: the known ones first, then any new key of ``seeds.rules.RULES_NL``."""
    from seeds.rules import RULES_NL

    return [k for k in ORDER if k in RULES_NL] + [k for k in RULES_NL if k not in ORDER]


def _rules() -> None:
    """Each rule of the pipeline's rule module under its own anchor (``#regel-<key>``)."""
    from seeds.rules import RULES_NL

    for key in rule_keys():
        st.markdown(f"<span id='regel-{html.escape(key)}'></span>", unsafe_allow_html=True)
        st.markdown(safe_text(RULES_NL[key]))


def _contents() -> None:
    rules = ", ".join(f"[{html.escape(k)}](#regel-{html.escape(k)})" for k in rule_keys())
    lines = [f"- [{title}](#{anchor})" + (f" — de regels: {rules}" if anchor == "regels" else "")
             for anchor, title in SECTIONS.items()]
    st.markdown("**Op deze pagina**\n\n" + "\n".join(lines))


def render() -> None:
    """The page."""
    if not common.require_store():
        return
    st.title("Over dit dashboard")
    st.markdown(
        "Dit dashboard zet de claims uit vijf beleidsdocumenten over achterblijvende regio's naast wat de cijfers "
        "van het CBS zeggen. Alle getallen komen uit CBS-tabellen (open data, CC BY 4.0); wat wij afleiden staat "
        "als *afgeleid* vermeld, met de methode."
    )
    _contents()
    st.header("Bronnen", anchor="bronnen")
    sources = data.get_store().sources()
    shown = sources.rename(columns={"source_table": "Tabel", "title": "Titel", "file": "Bestand", "levels": "Niveaus",
                                    "period_type": "Periode", "first_period": "Van", "last_period": "Tot",
                                    "n_observations": "Waarnemingen", "note": "Toelichting"})
    for column in ("Van", "Tot"):  # a table without periods (the area lists) has none: '–'
        shown[column] = pd.to_numeric(shown[column], errors="coerce").astype("Int64")
    common.show_table(shown, numbers={"Waarnemingen": 0}, years=["Van", "Tot"], placeholder="–")
    info = data.build_info()
    st.caption(f"Datastore gebouwd {info.get('built_at')} uit bron ‘{info.get('source')}’.")
    st.header("Methoden", anchor="methoden")
    st.markdown(METHODS_MD)
    st.header("Hoe we claims toetsen en regio's vergelijken", anchor="regels")
    st.markdown("Dezelfde regels bepalen het oordeel over de claims, de kleuren van de kerncijfers en het "
                "thema-overzicht op de regiopagina's. Ze worden één keer toegepast, bij het bouwen van de datastore.")
    _rules()
    st.markdown(TIEN_ELF_MD)
    st.header("Regio's en hun afbakening", anchor="regios")
    rows = []
    regions = data.regions_table().set_index("region_code")
    for rid, region in data.region_defs().items():
        for name, d in region.delineations.items():
            members = data.region_members(rid, name)
            rows.append({
                "Regio": region.name, "Groep": ", ".join(region.groups), "Afbakening": name,
                "Standaard": "ja" if name == region.default_delineation else "",
                "Gemeenten": len(members), "COROP": d["corop_codes"], "Betrouwbaarheid": d["confidence"],
                "Basis": d["basis"], "Bron": d["source"],
                "Leden": ", ".join(regions.loc[c, "name"] for c in members[:40] if c in regions.index)
                + (" …" if len(members) > 40 else ""),
            })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.header("Indicatorcatalogus", anchor="catalogus")
    st.dataframe(common.without_none(catalogue_table()), hide_index=True, width="stretch")
    st.header("Licentie", anchor="licentie")
    st.markdown("Cijfers: CBS, open data onder [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/deed.nl) — "
                "*Bron: CBS*. Grenzen: CBS/PDOK-gebiedsindelingen 2024 (gegeneraliseerd, via cartomap/nl). "
                "De Regionale Monitor Brede Welvaart heeft geen StatLine-tabel; die waarden komen uit een openbare "
                "export van het CBS-dashboard (zie de bronvermelding in de bundel).")
    st.header("Toegankelijkheidsverklaring", anchor="toegankelijkheid")
    st.markdown(ACCESSIBILITY_MD)
    common.footer()
