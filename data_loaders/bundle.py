"""Snapshot source: the CBS exports in the bundle directory (``<data_dir>/cbs``)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from data_loaders.catalogue import Source
from data_loaders.config import README_DATA_HINT
from data_loaders.harmonise import DataError

REQUIRED_COLUMNS = {
    "long": ["region_code", "Perioden"],
    "rmbw_wide": ["gemeentecode", "jaar"],
    "kwb_basis": ["gemeentecode"],
    "classification": ["jaar_indeling", "gemeentecode", "gemeentenaam", "corop_code", "corop_naam", "provincie_code",
                       "provincie_naam", "landsdeel_code", "landsdeel_naam", "inwonertal"],
}
_BARE_CR = re.compile(r"\r(?!\n)")
RENAMES = {
    "rmbw_wide": {"gemeentecode": "region_code", "jaar": "Perioden", "gemeentenaam": "region_name"},
    "kwb_basis": {"gemeentecode": "region_code", "gemeentenaam": "region_name"},
    "classification": {"gemeentecode": "region_code", "jaar_indeling": "Perioden", "gemeentenaam": "region_name"},
}


def read_csv_strict(path: Path) -> pd.DataFrame:
    """Read a CSV as text, failing with one line that names the file and row for any defect.

    Catches: missing file, empty file, header without rows, invalid UTF-8, a bare carriage return (CR without
    LF) inside the text, rows with the wrong number of fields, any other CSV syntax error and a last row without
    line end (a truncated or broken file). Adds ``_row`` (the line number).
    """
    name = path.name
    if not path.is_file():
        raise DataError(f"{name}: bestand ontbreekt in {path.parent}")
    data = path.read_bytes()
    if not data.strip():
        raise DataError(f"{name}: bestand is leeg")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise DataError(f"{name}, rij {line}: geen geldige UTF-8-tekst (verkeerde codering?)") from None
    bare_cr = _BARE_CR.search(text)
    if bare_cr:
        line = text.count("\n", 0, bare_cr.start()) + 1
        raise DataError(f"{name}, rij {line}: losse CR (carriage return zonder LF) in het bestand (kapot regeleinde?)")
    if not text.endswith("\n"):
        line = text.count("\n") + 1
        raise DataError(f"{name}, rij {line}: bestand eindigt midden in een rij (afgekapt bestand?)")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)
    except csv.Error as err:
        raise DataError(f"{name}, rij {reader.line_num}: ongeldige CSV ({err})") from None
    header = records[0]
    if len(records) < 2:
        raise DataError(f"{name}: alleen een kopregel, geen gegevens")
    for line_no, record in enumerate(records[1:], start=2):
        if len(record) != len(header) and record:
            raise DataError(
                f"{name}, rij {line_no}: {len(record)} velden in plaats van {len(header)} (afgekapt of kapot bestand?)"
            )
    frame = pd.DataFrame([r for r in records[1:] if r], columns=header, dtype="string")
    frame["_row"] = [i for i, r in enumerate(records[1:], start=2) if r]
    return frame


class BundleSource:
    """Reads each catalogue source from its CSV export in ``<data_dir>/cbs``."""

    name = "bundle"

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.cbs_dir = self.data_dir / "cbs"
        if not self.cbs_dir.is_dir():
            raise DataError(
                f"{self.cbs_dir}: map met CBS-bestanden ontbreekt (zet BW_DATA_DIR of --bundle; {README_DATA_HINT})"
            )

    def label(self, source: Source) -> str:
        """How errors name this source: its file name."""
        return source.file

    def raw_table(self, source: Source) -> pd.DataFrame:
        """The export for ``source`` in the common raw shape (``region_code``, ``Perioden``, measures)."""
        frame = read_csv_strict(self.cbs_dir / source.file)
        for column in REQUIRED_COLUMNS[source.layout]:
            if column not in frame:
                raise DataError(f"{source.file}: kolom '{column}' ontbreekt")
        frame = frame.rename(columns=RENAMES.get(source.layout, {}))
        if source.layout == "kwb_basis":
            frame["Perioden"] = "2024"
        return frame

    def rmbw_metadata(self, source: Source) -> pd.DataFrame:
        """Names and units of the RMBW indicators as the export documents them."""
        return read_csv_strict(self.cbs_dir / source.metadata_file)
