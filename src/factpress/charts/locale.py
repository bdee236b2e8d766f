"""The report's language as the chart renderer's locale: which d3-format and d3-time-format
locale (the ones vl-convert and vega-embed ship) write a chart's axis numbers ("1.000" in German)
and month names ("Mär", "3月"). The nearest one wins: the language with the region the report
names (fr-CA), else with its likeliest region (de → de-DE, zh-Hant → zh-TW), else any region of
the language, else en-US, Vega's own default.

Worked out without vl-convert (which runs only in the chart workers), so the names can be part
of what a chart's rendering is cached by."""
from __future__ import annotations

DEFAULT = "en-US"
# The locales d3-format and d3-time-format ship, as vl-convert 1.x carries them.
NUMBER_LOCALES = (
    "ar-001 ar-AE ar-BH ar-DJ ar-DZ ar-EG ar-EH ar-ER ar-IL ar-IQ ar-JO ar-KM ar-KW ar-LB ar-LY ar-MA ar-MR ar-OM "
    "ar-PS ar-QA ar-SA ar-SD ar-SO ar-SS ar-SY ar-TD ar-TN ar-YE ca-ES cs-CZ da-DK de-CH de-DE en-CA en-GB en-IE "
    "en-IN en-US es-BO es-ES es-MX fi-FI fr-CA fr-FR he-IL hu-HU it-IT ja-JP ko-KR mk-MK nl-NL pl-PL pt-BR pt-PT "
    "ru-RU sl-SI sv-SE uk-UA zh-CN").split()
TIME_LOCALES = (
    "ar-EG ar-SY ca-ES cs-CZ da-DK de-CH de-DE en-CA en-GB en-US es-ES es-MX fa-IR fi-FI fr-CA fr-FR he-IL hr-HR "
    "hu-HU it-IT ja-JP ko-KR mk-MK nb-NO nl-BE nl-NL pl-PL pt-BR ru-RU sv-SE tr-TR uk-UA zh-CN zh-TW").split()


def _parts(language: str) -> tuple[str, str, str]:
    """(language, script, region) of a BCP 47 tag: ('zh', 'Hant', 'HK') of zh-Hant-HK."""
    from babel import Locale, UnknownLocaleError

    try:
        loc = Locale.parse(language.replace("_", "-"), sep="-")
        return loc.language, loc.script or "", loc.territory or ""
    except (UnknownLocaleError, ValueError, TypeError):
        bits = [b for b in str(language).replace("_", "-").split("-") if b]
        lang = bits[0].lower() if bits else ""
        script = next((b.title() for b in bits[1:] if len(b) == 4 and b.isalpha()), "")
        region = next((b.upper() for b in bits[1:] if len(b) == 2 and b.isalpha() or len(b) == 3 and b.isdigit()), "")
        return lang, script, region


def _likely_region(lang: str, script: str) -> str:
    """The region CLDR finds likeliest for a language written in a script: DE for de, TW for zh-Hant."""
    from babel.core import get_global

    likely = get_global("likely_subtags")
    for key in ([f"{lang}_{script}"] if script else []) + [lang]:
        full = (likely.get(key) or "").split("_")
        if len(full) == 3 and (not script or full[1] == script):
            return full[2]
    return ""


def nearest(language: str, available) -> str:
    """The available locale name nearest to the report's language, en-US when none is near."""
    lang, script, region = _parts(language or "")
    likely = _likely_region(lang, script) if lang else ""
    for name in (f"{lang}-{region}" if region else "", f"{lang}-{likely}" if likely else ""):
        if name in available:
            return name
    return next((name for name in available if name.split("-")[0] == lang), DEFAULT)


def chart_locale(language: str) -> tuple[str, str]:
    """(number locale, time locale) for a report's language: ('de-DE', 'de-DE') for de."""
    return nearest(language, NUMBER_LOCALES), nearest(language, TIME_LOCALES)
