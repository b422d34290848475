"""Currency codes: the ISO 4217 codes money may be in.

``ISO_4217`` holds the codes current in 2026 (after pycountry 26.2's ISO 4217 table, without
``XTS`` and ``XXX``, which are not money) and the codes withdrawn since 2020 (``ANG``, ``BGN``,
``CUC``, ``HRK``, ``SLL``, ``ZWL``), so that figures of those years can be written.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["CURRENCY_SYMBOLS", "ISO_4217"]

_CODES = """
    AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BOV
    BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP
    CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF
    GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
    KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT
    MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN
    PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE
    SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX
    USD USN UYI UYU UYW UZS VED VES VND VUV WST XAD XAF XAG XAU XBA XBB XBC
    XBD XCD XCG XDR XOF XPD XPF XPT XSU XUA YER ZAR ZMW ZWG ANG BGN CUC HRK
    SLL ZWL
"""

ISO_4217: frozenset[str] = frozenset(_CODES.split())
"""The currency codes money may be in (see the module docs)."""

CURRENCY_SYMBOLS: Mapping[str, str] = MappingProxyType(
    {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
)
"""Currency code -> the symbol used as prefix in canonical strings (:mod:`aicapex.money`)."""
