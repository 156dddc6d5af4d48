"""Personal data in public text: phone numbers, email addresses, street addresses.

Help requests and volunteer offers are public, so before publishing their
author is warned when the text seems to contain a way to reach them or find
their home. This module only finds the snippets; it never blocks anything.

False positives are costly (elderly users write naturally: times, dates,
prices, quantities, floors, door codes), so every pattern is anchored on a
shape that ordinary sentences do not have:

- phones: ten digits starting with 0 in pairs (French), an international
  prefix (+ or 00) with 8 to 15 digits, UK national numbers (0 + 9 or 10
  digits), North American numbers ((555) 123-4567, 555-123-4567);
- emails: the usual form, and the obfuscated ones ("[at]", "(at)",
  "arobase", "at"... "dot", "point");
- street addresses: a house number followed by a French street type and a
  name ("12 rue Oberkampf"), or by an English name and street type
  ("221B Baker Street").

Pure Python, standard library only, so it runs in forms, serializers and
background tasks alike.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PHONE = "phone"
EMAIL = "email"
ADDRESS = "address"

KIND_LABELS = {
    PHONE: _("a phone number"),
    EMAIL: _("an email address"),
    ADDRESS: _("a street address"),
}


@dataclass(frozen=True)
class Finding:
    """One snippet of personal data: `text` is `source[start:end]`."""

    kind: str
    text: str
    start: int
    end: int


def _words(*words: str) -> str:
    """A non-capturing alternation of literal words."""
    return "(?:" + "|".join(re.escape(word) for word in words) + ")"


# --- Phone numbers -----------------------------------------------------------

# Spaces (including the non-breaking ones French typography uses), dots, dashes.
_SPACE = r"[ \u00a0\u202f]"
_PHONE_SEP = r"[ \u00a0\u202f.\-]"

# French national number: 0 then a non-zero digit, then four pairs, with one
# separator used throughout (or none). The backreference keeps dates with a
# time after them ("06.12.2025 14h") out.
FRENCH_PHONE = re.compile(
    rf"""
    (?<![\w+])
    0[1-9]
    (?P<sep>{_PHONE_SEP}?)
    \d{{2}} (?:(?P=sep)\d{{2}}){{3}}
    (?![\d]|[.\-]\d)
    """,
    re.VERBOSE,
)

# International: + or 00, a country code, then digit groups, optionally with
# the French/UK trunk "(0)" and parentheses. The digit count is checked after.
INTERNATIONAL_PHONE = re.compile(
    rf"""
    (?<![\w+])
    (?:\+{_SPACE}?|00)
    [1-9]\d{{0,2}}
    (?:{_PHONE_SEP}?\(?\d{{1,4}}\)?){{2,7}}
    (?!\d|[.\-]\d)
    """,
    re.VERBOSE,
)
INTERNATIONAL_DIGITS = (8, 15)

# UK national: 0 and an area code of 2 to 4 more digits, then two groups
# ("07700 900123", "020 7946 0958", "(0161) 496 0000"); 10 or 11 digits.
UK_PHONE = re.compile(
    rf"""
    (?<![\w+])
    \(?0\d{{2,4}}\)?
    {_SPACE}?\d{{3,4}}
    (?:{_SPACE}|-)?\d{{3,4}}
    (?!\d|[.\-]\d)
    """,
    re.VERBOSE,
)
UK_DIGITS = (10, 11)

# North American: "(555) 123-4567", "555-123-4567", "555.123.4567",
# "555 123 4567" (one separator throughout, the last group of four).
NANP_PHONE = re.compile(
    rf"""
    (?<![\w+(])
    (?:
        \([2-9]\d{{2}}\){_SPACE}?\d{{3}}[\-.\u00a0 ]\d{{4}}
      | [2-9]\d{{2}}(?P<sep>[\-.\u00a0 ])\d{{3}}(?P=sep)\d{{4}}
    )
    (?!\d|[.\-]\d)
    """,
    re.VERBOSE,
)


# --- Email addresses ---------------------------------------------------------

_LOCAL_PART = r"[\w.%+\-]+"
_DOMAIN_LABEL = r"[\w\-]+"

# The "@": itself (possibly spaced), bracketed ("[at]", "(@)", "{arobase}"),
# or spelled between spaces ("at", "arobase").
_AT_WORDS = _words("at", "arobase", "arobas")
_AT = rf"""
    (?P<at>
        \s?@\s?
      | \s*[\[(<{{]\s*(?:{_AT_WORDS}|@)\s*[\])>}}]\s*
      | \s+{_AT_WORDS}\s+
    )
"""
# The dot: itself, bracketed ("[dot]", "(point)", "(.)") or spelled.
_DOT_WORDS = _words("dot", "point")
_DOT = rf"""
    (?:
        \.
      | \s*[\[(<{{]\s*(?:{_DOT_WORDS}|\.)\s*[\])>}}]\s*
      | \s+{_DOT_WORDS}\s+
    )
"""

EMAIL_ADDRESS = re.compile(
    rf"""
    (?<![\w.%+\-])
    {_LOCAL_PART}
    {_AT}
    {_DOMAIN_LABEL} (?:{_DOT}{_DOMAIN_LABEL})*
    {_DOT}(?P<tld>[a-z]{{2,24}})
    \b
    """,
    re.VERBOSE | re.IGNORECASE,
)

# When the "@" is only a spelled word ("john at example dot com"), ordinary
# sentences can take the same shape ("look at that point it is"), so the
# top-level domain must then be one people actually use.
SPELLED_EMAIL_TLDS = frozenset(
    {"com", "fr", "net", "org", "eu", "info", "uk", "io", "ch", "ca", "nl", "lu", "ie", "biz"}
)


# --- Street addresses --------------------------------------------------------

_LETTER = r"[^\W\d_]"
# An upper-case letter, whatever the pattern's flags (the Latin-1 capitals
# cover French and English names).
_UPPER = r"(?-i:[A-ZÀ-ÖØ-Þ])"
_NAME_WORD = rf"{_LETTER}[\w'’\-]*"
_CAPITALISED_WORD = rf"{_UPPER}[\w'’\-]*"

# A number that is not a house number: part of an amount, a time or a date
# ("14 h 30 place de la République", "samedi 12, place du Marché").
_DAYS = (
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)  # fmt: skip
_NOT_A_HOUSE_NUMBER = "".join(
    [
        r"(?<![\w.,:/€$£+\-])",  # "12,5", "10:30", "€20", "+33", "1234"
        r"(?<![\d\s]h\s)(?<!heure\s)(?<!heures\s)",  # "14 h 30", "10 heures 30"
        *(rf"(?<!{day}\s)" for day in _DAYS),  # "samedi 12"
    ]
)

# A house number: "12", "12bis", "12 bis", "3 ter", "12b", "12-14", "221B".
_HOUSE_NUMBER = rf"""
    {_NOT_A_HOUSE_NUMBER}
    \d{{1,4}}
    (?:\s?[-–]\s?\d{{1,4}})?
    (?:\s?(?:bis|ter|quater)\b|[a-d]\b)?
"""

# French street types that never follow a number otherwise (a plural, "2 rues
# plus loin", is a distance and does not match): any name may follow.
_FRENCH_STREET_TYPES = r"""
    (?:rue|ruelle|avenue|av\.?|boulevard|boul\.?|bd|all[ée]e|impasse|imp\.
      |quai|faubourg|faub\.?|fbg|sentier|rond-point)
"""
# French street types that are also ordinary nouns after a number ("1 place
# de libre", "3 cours de yoga", "1 chemin de terre"): only with a capitalised
# name ("1 place de la République", "3 cours Julien").
_FRENCH_NOUN_STREET_TYPES = r"""
    (?:place|pl\.|cours|route|rte|chemin|passage|square|villa|cit[ée]|voie
      |r[ée]sidence|hameau|promenade|esplanade|parvis|mont[ée]e|traverse)
"""
# Articles between the type and the name: "rue de la Roquette", "allée des
# Tilleuls", "quai d'Austerlitz".
_FRENCH_PARTICLE = r"(?:(?:de\s+la|de\s+l['’]|de|du|des|d['’]|la|le|les|l['’])\s*)"
# Words that follow "rue" in sentences that are not addresses ("à 2 rue d'ici").
_FRENCH_NOT_A_NAME = r"""
    (?!(?:d['’]ici|ici|plus|loin|apr[èe]s|avant|là|et|ou|[àa]|au|aux|en|pour|qui|que
        |est|sont|de\s+plus|de\s+libre)\b)
"""
# School subjects: "2 cours de Français" is a lesson, not an address.
_FRENCH_NOT_A_STREET_NAME = r"""
    (?!(?:fran[çc]ais|anglais|espagnol|allemand|italien|portugais|arabe|chinois|russe
        |maths?|math[ée]matiques|piano|guitare|violon|chant|yoga|gym|cuisine|couture
        |tricot|informatique|soutien|danse|dessin|peinture|musique|histoire|physique
        |chimie|libre|disponible)\b)
"""

FRENCH_ADDRESS = re.compile(
    rf"""
    {_HOUSE_NUMBER}
    \s*,?\s+
    (?:
        {_FRENCH_STREET_TYPES}\s+
        {_FRENCH_NOT_A_NAME}{_FRENCH_PARTICLE}?{_FRENCH_NOT_A_NAME}
        (?:\d{{1,2}}(?:er)?[\s\-]+)?{_NAME_WORD}  # "rue du 4 Septembre"
      | {_FRENCH_NOUN_STREET_TYPES}\s+
        {_FRENCH_PARTICLE}?{_FRENCH_NOT_A_STREET_NAME}
        {_CAPITALISED_WORD}
    )
    # The rest of a multi-word name: "du Faubourg Saint-Antoine".
    (?:\s+{_FRENCH_PARTICLE}?{_FRENCH_NOT_A_STREET_NAME}{_CAPITALISED_WORD}){{0,3}}
    """,
    re.VERBOSE | re.IGNORECASE,
)

# English street types that are not ordinary nouns after a number and a
# word: the name before them may be in lower case ("42 elm road").
_ENGLISH_STREET_TYPES = r"""
    (?:street|st|road|rd|avenue|ave|av|lane|ln|boulevard|blvd|crescent|cres|terrace
      |mews)
"""
# English street types that are ordinary words too ("1 hard drive", "2 way
# radio", "tennis court"): only after a capitalised name ("5 Park Drive").
_ENGLISH_NOUN_STREET_TYPES = r"""
    (?:drive|dr|way|place|pl|close|court|ct|square|sq|gardens|grove|row|parkway
      |pkwy|highway|hwy)
"""
# Words that make "2 bags for the road", "3 Blocks Down The Street" or "a 2
# lane road" look like a street name; never part of one.
_ENGLISH_NOT_A_NAME = r"""
    (?!(?:the|a|an|for|of|to|down|up|on|in|at|by|and|or|my|your|his|her|our|their
        |this|that|across|along|over|from|with|per|off|into|onto|near|blocks?|miles?
        |minutes?|mins?|hours?|hrs?|km|metres?|meters?|yards?|feet|foot|steps?|lane
        |h|heures?|am|pm)\b)  # "à 10 h boulevard Voltaire" is a time
"""
# "Flat 3, 12 Station Road", "Apt 4B, 99 Sunset Blvd".
_ENGLISH_UNIT = r"(?:(?:flat|apt\.?|apartment|unit|suite)\s*\d{1,4}[a-z]?\s*,?\s+)"

ENGLISH_ADDRESS = re.compile(
    rf"""
    {_NOT_A_HOUSE_NUMBER}
    {_ENGLISH_UNIT}?
    \d{{1,5}}[a-z]?
    \s*,?\s+
    (?:
        {_ENGLISH_NOT_A_NAME}{_NAME_WORD}\.?\s+{_ENGLISH_STREET_TYPES}
      | (?:{_ENGLISH_NOT_A_NAME}{_CAPITALISED_WORD}\.?\s+){{1,3}}
        (?:{_ENGLISH_STREET_TYPES}|{_ENGLISH_NOUN_STREET_TYPES})
    )
    \b\.?
    """,
    re.VERBOSE | re.IGNORECASE,
)


# --- Finding -----------------------------------------------------------------


def _digit_count(snippet: str) -> int:
    return sum(character.isdigit() for character in snippet)


def _phones(text: str) -> Iterable[Finding]:
    for match in FRENCH_PHONE.finditer(text):
        yield Finding(PHONE, match.group(), match.start(), match.end())
    for match in NANP_PHONE.finditer(text):
        yield Finding(PHONE, match.group(), match.start(), match.end())
    checked = ((INTERNATIONAL_PHONE, INTERNATIONAL_DIGITS), (UK_PHONE, UK_DIGITS))
    for pattern, (fewest, most) in checked:
        for match in pattern.finditer(text):
            if fewest <= _digit_count(match.group()) <= most:
                yield Finding(PHONE, match.group(), match.start(), match.end())


def _emails(text: str) -> Iterable[Finding]:
    position = 0
    while match := EMAIL_ADDRESS.search(text, position):
        at = match.group("at")
        spelled = "@" not in at and not re.search(r"[\[(<{]", at)
        if spelled and match.group("tld").lower() not in SPELLED_EMAIL_TLDS:
            # Not an email ("Email me at jo.smith@..."): a real one may start
            # inside this candidate, so look again just after its start.
            position = match.start() + 1
            continue
        yield Finding(EMAIL, match.group(), match.start(), match.end())
        position = match.end()


def _addresses(text: str) -> Iterable[Finding]:
    for pattern in (FRENCH_ADDRESS, ENGLISH_ADDRESS):
        for match in pattern.finditer(text):
            yield Finding(ADDRESS, match.group(), match.start(), match.end())


# When two findings start at the same place and are as long, the more
# specific kind wins (an email holding a phone number is an email).
_PRIORITY = {EMAIL: 0, PHONE: 1, ADDRESS: 2}


def personal_data_findings(text: str) -> list[Finding]:
    """The phone numbers, email addresses and street addresses in `text`,
    in order of position, without overlaps (the earliest, then the longest,
    wins)."""
    if not text:
        return []
    candidates = sorted(
        [*_emails(text), *_phones(text), *_addresses(text)],
        key=lambda finding: (
            finding.start,
            -(finding.end - finding.start),
            _PRIORITY[finding.kind],
        ),
    )
    findings: list[Finding] = []
    for candidate in candidates:
        if findings and candidate.start < findings[-1].end:
            continue
        findings.append(candidate)
    return findings


def findings_summary(findings: Iterable[Finding]) -> str:
    """The distinct kinds of `findings`, in order, for a warning:
    "a phone number, a street address"."""
    kinds = dict.fromkeys(finding.kind for finding in findings)
    return ", ".join(str(KIND_LABELS[kind]) for kind in kinds)
