"""Folding English word forms for lexical retrieval.

Owners write "import", "importer", "imported"; "license" and "licence"; "labeling" and
"labelling". The packs use one of each. Both sides of the index are folded the same way, so
the fold only has to be consistent, not linguistically right ("license" -> "licens").
"""

from __future__ import annotations

import re

# British spellings in the packs, American ones from owners (and the reverse)
_SPELLING = {
    "licence": "license", "licences": "licenses", "labelling": "labeling",
    "labelled": "labeled", "authorised": "authorized", "authorisation": "authorization",
    "organisation": "organization", "organisations": "organizations", "catalogue": "catalog",
    "harmonised": "harmonized", "recognised": "recognized", "colour": "color",
    "programme": "program", "programmes": "programs", "centre": "center", "defence": "defense",
}
# Misspellings owners type fast on a phone, of words the packs use ("goverment office",
# "registeration", "custmer"): read as the word meant. Only unambiguous ones.
_MISSPELLING = {
    "goverment": "government", "govenment": "government", "govermment": "government",
    "govt": "government", "compnay": "company", "comapny": "company", "campany": "company",
    "compay": "company", "custmer": "customer", "custmers": "customers", "costumer": "customer",
    "costumers": "customers", "registeration": "registration", "registraion": "registration",
    "regstration": "registration", "certifcate": "certificate", "certificat": "certificate",
    "cerificate": "certificate", "certifcation": "certification", "certificaton": "certification",
    "certication": "certification", "requirment": "requirement", "requirments": "requirements",
    "requirememt": "requirement", "regualtion": "regulation", "regulaton": "regulation",
    "regualtions": "regulations", "tarrif": "tariff", "tarrifs": "tariffs", "tarif": "tariff",
    "shiping": "shipping", "shippment": "shipment", "pakage": "package", "packge": "package",
    "pakages": "packages", "packges": "packages", "lable": "label", "lables": "labels",
    "cosmatic": "cosmetic", "cosmatics": "cosmetics", "orgin": "origin", "orign": "origin",
    "cerfitication": "certification", "declaraton": "declaration", "decleration": "declaration",
    "certfication": "certification", "certifiction": "certification", "registr": "register",
    "registor": "register", "regiser": "register", "exibition": "exhibition",
    "exhibtion": "exhibition", "exibitions": "exhibitions", "abt": "about", "wnat": "want",
    "electornic": "electronic", "electornics": "electronics", "elecronic": "electronic",
    "trademak": "trademark", "trade-mark": "trademark", "patant": "patent",
    "paymant": "payment", "invioce": "invoice", "subsidary": "subsidiary",
    "subsidairy": "subsidiary", "lisence": "license", "liscense": "license",
    "licens": "license", "permision": "permission", "aproval": "approval",
    "approvel": "approval", "manufactor": "manufacturer", "manufacter": "manufacturer",
    "busines": "business", "bussiness": "business", "buisness": "business",
    "distributer": "distributor", "distribuor": "distributor", "importor": "importer",
    "exportor": "exporter", "reqister": "register", "regsiter": "register",
    "insurence": "insurance", "insurrance": "insurance", "documnet": "document",
    "documnets": "documents", "declartion": "declaration", "inspecton": "inspection",
}
_SUFFIXES = ("ings", "ing", "ers", "er", "ies", "ed", "es", "s")
_MIN_STEM = 4
_LATIN = re.compile(r"^[a-z]+$")
_EDGE_PUNCTUATION = ".,;:!?'\"()[]"


_ENGLISH_WORD = re.compile(r"[A-Za-z]+")


def corrected(text: str) -> str:
    """`text` with the misspellings owners often type put right, so a term written wrong is
    still named ("certificate of orgin" is the certificate of origin)."""
    return _ENGLISH_WORD.sub(lambda m: _MISSPELLING.get(m.group(0).lower(), m.group(0)), text)


def fold(word: str) -> str:
    """The form both the index and the query use for one lower-cased word."""
    word = word.strip(_EDGE_PUNCTUATION) or word
    if not _LATIN.match(word) or len(word) < 5:
        return word
    word = _MISSPELLING.get(word, word)
    word = _SPELLING.get(word, word)
    for suffixes in (_SUFFIXES, ("er",)):   # "registered" -> "register" -> "regist"
        for suffix in suffixes:
            # "-er" only from longer stems: a cooker is not a cook
            least = _MIN_STEM + (suffix in ("er", "ers"))
            if word.endswith(suffix) and len(word) - len(suffix) >= least:
                stem = word[: -len(suffix)]
                if suffix == "s" and stem.endswith(("s", "u", "i")):
                    return _ending(word)   # "process", "status", "analysis": not plurals
                word = stem + ("i" if suffix == "ies" else "")
                break
        else:
            break
    return _ending(word)


def _ending(word: str) -> str:
    if word.endswith("y") and len(word) >= 5:
        word = word[:-1] + "i"
    if word.endswith("e") and len(word) >= 4:
        word = word[:-1]
    return word
