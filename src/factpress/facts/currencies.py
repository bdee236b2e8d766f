"""Currencies by their ISO 4217 codes: each is its own dimension, never converted into another.

The active codes, a few withdrawn ones that older statistics still use (the euro's predecessors),
the older lower-case aliases factpress has always read, and how the common ones are written.
"""
from __future__ import annotations

ISO_4217 = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN
NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL
SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES
VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWG ZWL
ATS BEF DEM ESP FIM FRF GRD IEP ITL LUF NLG PTE
""".split())

ALIASES = {"yuan": "CNY", "usd": "USD", "eur": "EUR"}

# code -> (how an amount is written, the currency in words)
WRITTEN = {
    "CNY": ("{n} yuan", "yuan"),
    "USD": ("US${n}", "US dollars"),
    "EUR": ("€{n}", "euros"),
    "GBP": ("£{n}", "pounds sterling"),
    "JPY": ("{n} yen", "yen"),
    "HKD": ("HK${n}", "Hong Kong dollars"),
    "CAD": ("C${n}", "Canadian dollars"),
    "AUD": ("A${n}", "Australian dollars"),
    "CHF": ("{n} Swiss francs", "Swiss francs"),
    "INR": ("₹{n}", "Indian rupees"),
}

# words an author may write for a currency, for the "did you mean" of an unknown unit
WORDS = {"dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "yen": "JPY", "renminbi": "CNY",
         "rmb": "CNY", "sterling": "GBP", "rupee": "INR", "rupees": "INR", "franc": "CHF", "francs": "CHF"}


def currency_code(text: str) -> str:
    """The ISO 4217 code a unit names, or ''."""
    if text in ALIASES:
        return ALIASES[text]
    return text if text in ISO_4217 else ""


def written(code: str) -> tuple[str, str]:
    return WRITTEN.get(code, ("{n} " + code, code))
