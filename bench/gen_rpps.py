"""Generate a realistic RPPS libre-accès extract (``PS_LibreAcces_Personne_activite``).

    python bench/gen_rpps.py 100000 var/bench/rpps_100000.txt

Deterministic (seeded): one line per activity, people sorted as in the real extract, 1-3
activities per person, real INSEE communes weighted by population, Luhn-valid RPPS except
~0.5 % wrong keys (kept and flagged by the importer) and ~0.2 % bad lines (unknown commune,
truncated line) that the importer must reject. Generated files are not committed.
"""

from __future__ import annotations

import csv
import itertools
import random
import sys
from pathlib import Path

from stdnum import luhn

ROOT = Path(__file__).resolve().parent.parent
HEADER = ROOT / "tests" / "fixtures" / "rpps" / "PS_LibreAcces_Personne_activite.header.txt"
COMMUNES = ROOT / "sas_platform" / "data" / "geo" / "communes.csv"

PROFESSIONS = [  # code, label, weight, savoir-faire choices
    (
        "10",
        "Médecin",
        35,
        [("SM54", "Médecine Générale")] * 5 + [("SM40", "Pédiatrie"), ("SM26", "Médecine d'urgence")],
    ),
    ("60", "Infirmier", 25, [("", "")]),
    ("70", "Masseur-Kinésithérapeute", 15, [("", "")]),
    ("21", "Pharmacien", 12, [("", "")]),
    ("40", "Chirurgien-Dentiste", 8, [("", "")]),
    ("50", "Sage-Femme", 5, [("", "")]),
]
LAST = [
    "MARTIN",
    "BERNARD",
    "THOMAS",
    "PETIT",
    "ROBERT",
    "RICHARD",
    "DURAND",
    "DUBOIS",
    "MOREAU",
    "LAURENT",
    "SIMON",
    "MICHEL",
    "LEFEBVRE",
    "LEROY",
    "ROUX",
    "DAVID",
    "BERTRAND",
    "MOREL",
    "FOURNIER",
    "GIRARD",
    "BONNET",
    "DUPONT",
    "LAMBERT",
    "FONTAINE",
    "ROUSSEAU",
    "VINCENT",
    "MULLER",
    "LEFEVRE",
    "FAURE",
    "ANDRE",
    "MERCIER",
    "BLANC",
    "GUERIN",
    "BOYER",
    "GARNIER",
    "CHEVALIER",
    "FRANCOIS",
    "LEGRAND",
    "GAUTHIER",
    "GARCIA",
    "PERRIN",
    "ROBIN",
    "CLEMENT",
    "MORIN",
    "NICOLAS",
    "HENRY",
    "ROUSSEL",
    "MATHIEU",
    "GAUTIER",
    "MASSON",
    "MARCHAND",
    "DUVAL",
    "DENIS",
    "DUMONT",
    "MARIE",
    "LEMAIRE",
    "NOEL",
    "MEYER",
    "DUFOUR",
    "MEUNIER",
    "BRUN",
    "BLANCHARD",
    "GIRAUD",
    "JOLY",
    "RIVIERE",
    "LUCAS",
    "BRUNET",
    "GAILLARD",
    "BARBIER",
    "ARNAUD",
    "MARTINEZ",
    "GERARD",
    "ROCHE",
    "RENARD",
    "SCHMITT",
    "ROY",
    "LEROUX",
    "COLIN",
    "VIDAL",
    "CARON",
    "PICARD",
    "ROGER",
    "FABRE",
    "AUBERT",
    "LEMOINE",
    "RENAUD",
    "DUMAS",
    "LACROIX",
    "OLIVIER",
    "PHILIPPE",
    "BOURGEOIS",
    "PIERRE",
    "BENOIT",
    "REY",
    "LECLERC",
    "PAYET",
    "ROLLAND",
    "LECLERCQ",
    "GUILLAUME",
    "LECOMTE",
    "LOPEZ",
    "JEAN",
    "DUPUY",
    "GUILLOT",
    "HUBERT",
    "BERGER",
    "CARPENTIER",
    "SANCHEZ",
    "DUPUIS",
    "MOULIN",
    "LOUIS",
    "DESCHAMPS",
    "HUET",
    "VASSEUR",
    "PEREZ",
]
FIRST = [
    "Marie",
    "Jean",
    "Pierre",
    "Michel",
    "André",
    "Philippe",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Françoise",
    "Nicolas",
    "Christophe",
    "Stéphane",
    "Sébastien",
    "Julien",
    "Camille",
    "Léa",
    "Chloé",
    "Manon",
    "Emma",
    "Hugo",
    "Lucas",
    "Louis",
    "Claire",
    "Hélène",
    "Éric",
    "Gaëlle",
    "Agnès",
    "Benoît",
]
STREETS = [("R", "Rue"), ("AV", "Avenue"), ("BD", "Boulevard"), ("PL", "Place"), ("CHE", "Chemin")]
STREET_NAMES = [
    "de la République",
    "Victor Hugo",
    "Jean Jaurès",
    "du Général de Gaulle",
    "Pasteur",
    "des Écoles",
    "de la Gare",
    "du Marché",
    "Gambetta",
    "de la Paix",
]


def load_communes() -> tuple[list[tuple[str, str, str]], list[int]]:
    """(insee, postal code, name) of COM and ARM rows, weighted by population."""
    seen, rows, weights = set(), [], []
    with COMMUNES.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["commune_type"] not in ("COM", "ARM") or row["insee_com"] in seen:
                continue
            seen.add(row["insee_com"])
            rows.append((row["insee_com"], row["code_postal"], row["commune"].upper()))
            weights.append(max(1, int(row["population_2021"] or 0)))
    return rows, weights


def rpps(rng: random.Random, n: int) -> str:
    body = f"10{n:08d}"
    key = luhn.calc_check_digit(body)
    if rng.random() < 0.005:  # a wrong key, as found in real data
        key = str((int(key) + 1) % 10)
    return body + key


def generate(lines: int, path: Path, seed: int = 2024) -> int:
    rng = random.Random(seed)
    header = HEADER.read_text(encoding="utf-8").strip()
    columns = header.rstrip("|").split("|")
    index = {name: i for i, name in enumerate(columns)}
    communes, weights = load_communes()
    cumulative = list(itertools.accumulate(weights))  # computed once: choices() is O(n) otherwise
    path.parent.mkdir(parents=True, exist_ok=True)
    written = person = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(header + "\n")
        while written < lines:
            person += 1
            number = rpps(rng, person)
            code, label, _, savoirs = rng.choices(PROFESSIONS, weights=[p[2] for p in PROFESSIONS])[0]
            sf_code, sf_label = rng.choice(savoirs)
            last, first = rng.choice(LAST), rng.choice(FIRST)
            activities = rng.choices([1, 2, 3], weights=[70, 22, 8])[0]
            for activity in range(activities):
                if written >= lines:
                    break
                insee, postal, city = rng.choices(communes, cum_weights=cumulative)[0]
                street_code, street_label = rng.choice(STREETS)
                row = [""] * len(columns)
                values = {
                    "Type d'identifiant PP": "8",
                    "Identifiant PP": number,
                    "Identification nationale PP": "8" + number,
                    "Code civilité d'exercice": "DR" if code in ("10", "40") else "",
                    "Libellé civilité d'exercice": "Docteur" if code in ("10", "40") else "",
                    "Code civilité": rng.choice(["M", "MME"]),
                    "Nom d'exercice": last,
                    "Prénom d'exercice": first,
                    "Code profession": code,
                    "Libellé profession": label,
                    "Code catégorie professionnelle": "C",
                    "Libellé catégorie professionnelle": "Civil",
                    "Code type savoir-faire": "S" if sf_code else "",
                    "Libellé type savoir-faire": "Spécialité ordinale" if sf_code else "",
                    "Code savoir-faire": sf_code,
                    "Libellé savoir-faire": sf_label,
                    "Code mode exercice": rng.choices(["L", "S", "B"], weights=[75, 24, 1])[0],
                    "Numéro SIRET site": f"{rng.randrange(10**13, 10**14)}",
                    "Identifiant technique de la structure": f"R{person:07d}{activity:02d}{rng.randrange(10**5):05d}",
                    "Raison sociale site": f"CABINET {last}",
                    "Numéro Voie (coord. structure)": str(rng.randint(1, 180)),
                    "Code type de voie (coord. structure)": street_code,
                    "Libellé type de voie (coord. structure)": street_label,
                    "Libellé Voie (coord. structure)": rng.choice(STREET_NAMES),
                    "Bureau cedex (coord. structure)": f"{postal} {city}",
                    "Code postal (coord. structure)": postal,
                    "Code commune (coord. structure)": insee,
                    "Libellé commune (coord. structure)": city,
                    "Code pays (coord. structure)": "99000",
                    "Libellé pays (coord. structure)": "France",
                    "Téléphone (coord. structure)": f"0{rng.randint(1, 5)}{rng.randrange(10**8):08d}",
                    "Code Département (structure)": insee[:2],
                    "Autorité d'enregistrement": "CNOM/CNOM/CNOM",
                }
                for name, value in values.items():
                    row[index[name]] = value
                bad = rng.random()
                if bad < 0.001:
                    row[index["Code commune (coord. structure)"]] = "99999"
                text = "|".join(row) + "|"
                if 0.001 <= bad < 0.002:
                    text = "|".join(row[:20])
                out.write(text + "\n")
                written += 1
    return written


def mutate(source: Path, target: Path, share: float = 0.05, seed: int = 7) -> int:
    """Copy ``source`` with ~``share`` of its lines changed as a monthly extract would: a new phone
    number (the place is updated) or, one time in four, a married name (the person is updated,
    on the first line of their activities only, as a person's first line carries their fields).
    Returns the number of lines changed."""
    rng = random.Random(seed)
    with source.open(encoding="utf-8") as handle:
        columns = handle.readline().rstrip("\n").rstrip("|").split("|")
    phone, last = columns.index("Téléphone (coord. structure)"), columns.index("Nom d'exercice")
    identifier = columns.index("Identifiant PP")
    changed, previous = 0, None
    with source.open(encoding="utf-8") as src, target.open("w", encoding="utf-8", newline="\n") as out:
        out.write(src.readline())
        for text in src:
            row = text.rstrip("\n").split("|")
            first_of_person = len(row) > identifier and row[identifier] != previous
            previous = row[identifier] if len(row) > identifier else previous
            if len(row) > phone and rng.random() < share:
                if first_of_person and rng.random() < 0.25:
                    row[last] += "-DUPONT"
                else:
                    row[phone] = f"0{rng.randint(6, 7)}{rng.randrange(10**8):08d}"
                changed += 1
                text = "|".join(row) + "\n"
            out.write(text)
    return changed


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "var" / "bench" / f"rpps_{count}.txt"
    print(f"{generate(count, target)} lignes écrites dans {target}")
