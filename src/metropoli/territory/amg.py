"""The nine municipalities of the Guadalajara Metropolitan Area (demo and default data).

Codes: INEGI (state 14 = Jalisco). Seat coordinates are general knowledge, approximate to
about a kilometre; they place each municipality on the map until official boundaries from
INEGI's Marco Geoestadístico are imported with `metropoli territory import-boundaries`.
"""

from typing import NamedTuple


class MunicipalityFact(NamedTuple):
    inegi_code: str
    name: str
    slug: str
    seat_lon: float
    seat_lat: float


AMG_MUNICIPALITIES: tuple[MunicipalityFact, ...] = (
    MunicipalityFact("14039", "Guadalajara", "guadalajara", -103.3475, 20.6767),
    MunicipalityFact("14120", "Zapopan", "zapopan", -103.3918, 20.7214),
    MunicipalityFact("14098", "San Pedro Tlaquepaque", "tlaquepaque", -103.3110, 20.6406),
    MunicipalityFact("14101", "Tonalá", "tonala", -103.2343, 20.6237),
    MunicipalityFact("14097", "Tlajomulco de Zúñiga", "tlajomulco", -103.4447, 20.4736),
    MunicipalityFact("14070", "El Salto", "el-salto", -103.1815, 20.5196),
    MunicipalityFact("14051", "Juanacatlán", "juanacatlan", -103.1700, 20.5083),
    MunicipalityFact("14044", "Ixtlahuacán de los Membrillos", "ixtlahuacan", -103.1917, 20.3486),
    MunicipalityFact("14124", "Zapotlanejo", "zapotlanejo", -103.0683, 20.6228),
)

# Rough bounding box of the AMG urban area (lon/lat, from FACTS.md): synthetic data lives here.
URBAN_BBOX = (-103.55, 20.50, -103.15, 20.85)
# Generous box around the nine municipalities: a point outside it is surely not in the AMG.
# Used only while official boundaries are not imported.
METRO_BBOX = (-103.80, 20.20, -102.85, 21.00)
