"""Where posts and people are: a clustered spread over Ile-de-France.

About 70% of points fall in Paris (30% around a dozen dense hotspots, 40%
spread over the city), the rest over the region: 12% around suburban towns,
10% in the inner ring around Paris, 8% anywhere in the region's box.
"""

import math
import random

METRES_PER_DEGREE_LAT = 111_320.0
IDF_BOX = (1.45, 48.12, 3.56, 49.24)  # min lng, min lat, max lng, max lat
PARIS_CENTRE = (2.3470, 48.8590)
PARIS_SEMI_AXES = (0.118, 0.043)  # degrees of lng, lat: an ellipse over the city

# (lng, lat, sigma in metres, weight)
PARIS_HOTSPOTS = [
    (2.3640, 48.8680, 250, 2.0),  # République
    (2.3790, 48.8620, 450, 3.0),  # Oberkampf / Parmentier
    (2.3850, 48.8720, 400, 2.5),  # Belleville
    (2.3600, 48.8570, 350, 2.0),  # Marais
    (2.3410, 48.8860, 400, 2.0),  # Montmartre
    (2.3540, 48.8870, 300, 2.0),  # Goutte d'Or / Chateau Rouge
    (2.3690, 48.8530, 300, 1.5),  # Bastille
    (2.3470, 48.8460, 400, 1.5),  # Quartier latin
    (2.3200, 48.8840, 400, 1.5),  # Batignolles
    (2.3520, 48.8270, 350, 1.5),  # Butte-aux-Cailles
    (2.3960, 48.8480, 400, 1.5),  # Nation
    (2.3000, 48.8400, 500, 1.0),  # Vaugirard
]
SUBURB_TOWNS = [
    (2.3580, 48.9360, 900, 2.0),  # Saint-Denis
    (2.4430, 48.8630, 800, 2.0),  # Montreuil
    (2.2400, 48.8350, 700, 1.5),  # Boulogne-Billancourt
    (2.2070, 48.8920, 800, 1.5),  # Nanterre
    (2.4550, 48.7900, 900, 1.5),  # Creteil
    (2.2470, 48.9480, 900, 1.5),  # Argenteuil
    (2.1300, 48.8050, 900, 1.5),  # Versailles
    (2.3920, 48.7870, 800, 1.0),  # Vitry-sur-Seine
    (2.3830, 48.9140, 700, 1.0),  # Aubervilliers
    (2.0650, 49.0370, 1200, 1.0),  # Cergy
    (2.4410, 48.6290, 1000, 1.0),  # Evry
    (2.8780, 48.9600, 900, 0.7),  # Meaux
    (2.6550, 48.5400, 900, 0.7),  # Melun
    (2.2710, 48.7300, 900, 0.8),  # Massy
    (2.5530, 48.8480, 900, 0.8),  # Noisy-le-Grand
]
# (share, generator name)
MIX = [(0.30, "hotspot"), (0.40, "paris"), (0.12, "town"), (0.10, "ring"), (0.08, "region")]


def _in_box(lng: float, lat: float) -> bool:
    return IDF_BOX[0] <= lng <= IDF_BOX[2] and IDF_BOX[1] <= lat <= IDF_BOX[3]


def _in_paris(lng: float, lat: float) -> bool:
    dx = (lng - PARIS_CENTRE[0]) / PARIS_SEMI_AXES[0]
    dy = (lat - PARIS_CENTRE[1]) / PARIS_SEMI_AXES[1]
    return dx * dx + dy * dy <= 1.0


def _gauss_around(rng: random.Random, lng: float, lat: float, sigma_m: float):
    dlat = sigma_m / METRES_PER_DEGREE_LAT
    dlng = sigma_m / (METRES_PER_DEGREE_LAT * math.cos(math.radians(lat)))
    return lng + rng.gauss(0, dlng), lat + rng.gauss(0, dlat)


class Spread:
    """Draws (lng, lat) points; deterministic for a seed."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self._kinds = [name for _share, name in MIX]
        self._kind_weights = [share for share, _name in MIX]
        self._hot_weights = [w for *_rest, w in PARIS_HOTSPOTS]
        self._town_weights = [w for *_rest, w in SUBURB_TOWNS]

    def _draw(self, kind: str):
        rng = self.rng
        if kind == "hotspot":
            lng, lat, sigma, _w = rng.choices(PARIS_HOTSPOTS, self._hot_weights)[0]
            return _gauss_around(rng, lng, lat, sigma)
        if kind == "paris":
            while True:
                lng = PARIS_CENTRE[0] + rng.uniform(-1, 1) * PARIS_SEMI_AXES[0]
                lat = PARIS_CENTRE[1] + rng.uniform(-1, 1) * PARIS_SEMI_AXES[1]
                if _in_paris(lng, lat):
                    return lng, lat
        if kind == "town":
            lng, lat, sigma, _w = rng.choices(SUBURB_TOWNS, self._town_weights)[0]
            return _gauss_around(rng, lng, lat, sigma)
        if kind == "ring":
            while True:
                lng, lat = _gauss_around(rng, *PARIS_CENTRE, 9000)
                if not _in_paris(lng, lat):
                    return lng, lat
        return rng.uniform(IDF_BOX[0], IDF_BOX[2]), rng.uniform(IDF_BOX[1], IDF_BOX[3])

    def point(self) -> tuple[float, float]:
        kind = self.rng.choices(self._kinds, self._kind_weights)[0]
        while True:
            lng, lat = self._draw(kind)
            if _in_box(lng, lat):
                return lng, lat


TITLES = {
    "groceries": ["Courses au marche", "Groceries from the supermarket", "Porter des packs d'eau"],
    "errands": ["Poster un colis", "Pick up a parcel", "Retirer une ordonnance"],
    "diy": ["Fixer une etagere", "Fix a dripping tap", "Monter un meuble"],
    "gardening": ["Arroser mes plantes", "Tailler la haie", "Water the balcony plants"],
    "pets": ["Promener mon chien", "Feed the cat this weekend", "Garder mon lapin"],
    "rides": ["Accompagnement chez le medecin", "Walk me to the station", "Aller a la mairie"],
    "paperwork": ["Aide pour une demarche en ligne", "Help with a form", "Scanner des papiers"],
    "company": ["Un cafe et une discussion", "A short visit", "Jouer aux cartes"],
    "childcare": ["Recuperer ma fille a l'ecole", "Babysitting tonight", "Aide aux devoirs"],
    "other": ["Un coup de main", "A small favour", "Traduire une lettre"],
}
URGENCIES = [("high", 0.25), ("normal", 0.50), ("low", 0.25)]
MAX_DISTANCES = [500, 1000, 1500, 2000, 3000]
