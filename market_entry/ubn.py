"""統一編號 (Unified Business Number) checksum.

Rule (MOF, 營利事業統一編號檢查碼邏輯修正, applied to numbers issued from April 2023): multiply the
eight digits by 1,2,1,2,1,2,4,1, add the tens and units digit of each product, and the number is
valid when the sum is divisible by 5 (before 2023: by 10). When the 7th digit is 7 (7×4 = 28 →
2+8 = 10, counted as 1 or 0) the number is also valid when sum + 1 is divisible by the divisor.
See /work/shared/reference/taiwan-rules.md for the test vectors. A valid checksum does not prove
the company exists (the MOEA company registry does).
"""

from __future__ import annotations

WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)


def _checksum_ok(ubn: str, divisor: int) -> bool:
    if len(ubn) != 8 or not ubn.isascii() or not ubn.isdigit():
        return False
    total = 0
    for digit, weight in zip(ubn, WEIGHTS, strict=True):
        product = int(digit) * weight
        total += product // 10 + product % 10
    if total % divisor == 0:
        return True
    return ubn[6] == "7" and (total + 1) % divisor == 0


def is_valid_ubn(ubn: str) -> bool:
    """Valid under the current (2023) rule, which accepts every number valid under the old one."""
    return _checksum_ok(ubn, 5)


def is_valid_ubn_before_2023(ubn: str) -> bool:
    return _checksum_ok(ubn, 10)
