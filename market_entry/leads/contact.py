"""Checks and normalises the contact details an owner types.

Phones: Taiwan mobiles (09xx-xxx-xxx) and landlines with their area code ((02) 2345-6789,
04-2345-6789, 037-123456, 089-123456, 0836-22345), written with spaces, dashes, dots, brackets,
full-width digits, +886 / 886 / 00886 (with or without the trunk 0), and an extension
(#123, ext. 123, x123, 分機123, 轉123). Every parser returns None when the text is not a valid
value, so the dialogue can ask again instead of storing something a desk cannot use.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from market_entry.answer_parsing import parse_ubn
from market_entry.leads.model import Contact
from market_entry.ubn import is_valid_ubn

MOBILE = "mobile"
LANDLINE = "landline"

# Area code → allowed subscriber-number lengths (NCC numbering plan). Longest codes first.
AREA_CODES: dict[str, tuple[int, ...]] = {
    "0836": (5,),   # Matsu
    "0826": (5,),   # Wuqiu
    "089": (6,),    # Taitung
    "082": (6,),    # Kinmen
    "049": (7,),    # Nantou
    "037": (6,),    # Miaoli
    "02": (8,),     # Taipei, New Taipei, Keelung
    "03": (7,),     # Taoyuan, Hsinchu, Yilan, Hualien
    "04": (7, 8),   # Taichung (8), Changhua (7)
    "05": (7,),
    "06": (7,),
    "07": (7,),
    "08": (7,),
}
_EXTENSION = re.compile(
    r"\s*(?:#|＃|ext\.?|extension|x|分機|轉|分机|转)\s*[:：]?\s*(\d{1,6})\s*$", re.IGNORECASE
)
_ALLOWED = re.compile(r"^[\d\s\-.()/+]*$")
MAX_TEXT = 100


@dataclass(frozen=True)
class Phone:
    kind: str              # MOBILE or LANDLINE
    national: str          # digits with the trunk 0: 0912345678, 0223456789
    extension: str = ""

    @property
    def e164(self) -> str:
        return "+886" + self.national[1:]

    @property
    def display(self) -> str:
        n = self.national
        if self.kind == MOBILE:
            text = f"{n[:4]}-{n[4:7]}-{n[7:]}"
        else:
            area = _area_of(n)
            sub = n[len(area):]
            if len(sub) == 8:
                text = f"{area}-{sub[:4]}-{sub[4:]}"
            elif len(sub) == 7:
                text = f"{area}-{sub[:3]}-{sub[3:]}"
            else:
                text = f"{area}-{sub}"
        return f"{text} #{self.extension}" if self.extension else text


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def _area_of(national: str) -> str:
    for area in AREA_CODES:
        if national.startswith(area):
            return area
    return ""


def parse_phone(text: str) -> Phone | None:
    clean = _ascii(text)
    if not clean or len(clean) > 60:
        return None
    extension = ""
    match = _EXTENSION.search(clean)
    if match:
        extension = match.group(1)
        clean = clean[: match.start()].strip()
    clean = clean.replace("(0)", "")
    if not clean or not _ALLOWED.match(clean) or clean.count("+") > 1 or "+" in clean[1:]:
        return None
    digits = re.sub(r"\D", "", clean)
    if clean.startswith("+"):
        if not digits.startswith("886"):
            return None
        digits = digits[3:]
    elif digits.startswith("00886"):
        digits = digits[5:]
    elif digits.startswith("886") and len(digits) in (11, 12, 13):
        digits = digits[3:]
    else:
        if not digits.startswith("0"):
            return None
    if not digits.startswith("0"):
        digits = "0" + digits
    elif digits.startswith("00"):
        return None
    if len(digits) == 10 and digits.startswith("09"):
        return Phone(MOBILE, digits, extension)
    area = _area_of(digits)
    if not area or digits.startswith("09"):
        return None
    subscriber = digits[len(area):]
    if len(subscriber) not in AREA_CODES[area] or subscriber[0] in "01":
        return None
    return Phone(LANDLINE, digits, extension)


_EMAIL = re.compile(
    r"^(?P<local>[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
    r"@(?P<domain>[^@\s]+)$"
)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def parse_email(text: str) -> str | None:
    """'Ming@Example.COM.TW ' → 'Ming@example.com.tw'; None when it is not an address."""
    clean = _ascii(text).replace("＠", "@").strip("<>").strip()
    match = _EMAIL.match(clean)
    if not match or len(clean) > 254 or len(match.group("local")) > 64:
        return None
    domain = match.group("domain").rstrip(".").lower()
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return None
    if not re.fullmatch(r"[a-z]{2,63}|xn--[a-z0-9-]+", labels[-1]):
        return None
    return f"{match.group('local')}@{domain}"


def parse_company_ubn(text: str) -> str | None:
    """Eight digits with a valid 統一編號 checksum (2023 rule), or None."""
    ubn = parse_ubn(text or "")
    return ubn if ubn and is_valid_ubn(ubn) else None


def clean_text(text: str, limit: int = MAX_TEXT) -> str:
    """Names, titles and company names: NFKC, single spaces, no control characters, capped."""
    text = "".join(ch for ch in _ascii(text) if unicodedata.category(ch)[0] != "C" or ch == " ")
    return re.sub(r"\s+", " ", text).strip()[:limit]


def build_contact(raw: dict[str, str]) -> tuple[Contact, list[str]]:
    """A Contact from raw answers, and the fields that were given but are not valid.

    A desk must be able to reach the owner: a name and a phone or an e-mail are required.
    """
    errors: list[str] = []
    phone = email = ubn = ""
    if (raw.get("phone") or "").strip():
        parsed = parse_phone(raw["phone"])
        if parsed is None:
            errors.append("phone")
        else:
            phone = parsed.display
    if (raw.get("email") or "").strip():
        email = parse_email(raw["email"]) or ""
        if not email:
            errors.append("email")
    if (raw.get("ubn") or "").strip():
        ubn = parse_company_ubn(raw["ubn"]) or ""
        if not ubn:
            errors.append("ubn")
    contact = Contact(
        company=clean_text(raw.get("company", "")),
        ubn=ubn,
        name=clean_text(raw.get("name", ""), 60),
        title=clean_text(raw.get("title", ""), 60),
        phone=phone,
        email=email,
    )
    if not contact.name:
        errors.append("name")
    if not contact.phone and not contact.email and "phone" not in errors and "email" not in errors:
        errors.append("phone_or_email")
    return contact, errors
