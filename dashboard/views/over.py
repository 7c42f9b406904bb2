"""Over: sources, methods, verdict rule, region definitions and licence."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import common, data
from dashboard.safety import safe_text

METHODS_MD = """
**Officieel vóór afgeleid.** Waar CBS een cijfer publiceert voor een gebied (Nederland, landsdeel, provincie,
COROP-gebied, gemeente) tonen we dat cijfer (methode `cbs`). Alleen waar CBS geen cijfer heeft, leiden we er één af
uit gemeentecijfers; die waarden dragen een methode `derived:…` en worden overal als *afgeleid* gemarkeerd.

**Aggregatie** (in `geo/aggregate.py`): aandelen, percentages en gemiddelden per persoon → bevolkingsgewogen gemiddelde
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


def _rules_md() -> str:
    """The Dutch paragraphs of the comparison rules, straight from the pipeline's rule module."""
    from seeds.rules import RULES_NL

    order = ["niveau", "achterstand", "spreiding", "groep", "ontwikkeling", "oordeel", "grenzen"]
    return "\n\n".join(safe_text(RULES_NL[k]) for k in order)


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
    st.header("Bronnen")
    sources = data.get_store().sources()
    shown = sources.rename(columns={"source_table": "Tabel", "title": "Titel", "file": "Bestand", "levels": "Niveaus",
                                    "period_type": "Periode", "first_period": "Van", "last_period": "Tot",
                                    "n_observations": "Waarnemingen", "note": "Toelichting"})
    st.dataframe(shown, hide_index=True, width="stretch")
    info = data.build_info()
    st.caption(f"Store gebouwd {info.get('built_at')} uit bron ‘{info.get('source')}’ ({info.get('data_dir')}).")
    st.header("Methoden")
    st.markdown(METHODS_MD)
    st.header("Hoe we claims toetsen en regio's vergelijken")
    st.markdown("Dezelfde regels bepalen het oordeel over de claims, de kleuren van de kerncijfers en het "
                "thema-overzicht op de regiopagina's. Ze worden één keer toegepast, bij het bouwen van de datastore.")
    st.markdown(_rules_md())
    st.markdown(TIEN_ELF_MD)
    st.header("Regio's en hun afbakening")
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
    st.header("Indicatorcatalogus")
    cat = data.indicators()[["indicator_id", "name_nl", "theme_name", "unit", "direction", "source_table", "measure",
                             "period_type", "levels", "levels_in_store", "aggregation", "uncertain"]]
    st.dataframe(cat, hide_index=True, width="stretch")
    st.header("Licentie")
    st.markdown("Cijfers: CBS, open data onder [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/deed.nl) — "
                "*Bron: CBS*. Grenzen: CBS/PDOK-gebiedsindelingen 2024 (gegeneraliseerd, via cartomap/nl). "
                "De Regionale Monitor Brede Welvaart heeft geen StatLine-tabel; die waarden komen uit een openbare "
                "export van het CBS-dashboard (zie de bronvermelding in de bundel).")
    common.footer()
