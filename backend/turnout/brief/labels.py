"""Every word of the MP brief, in English and Urdu."""

from collections.abc import Mapping

from schemas.turnout import AreaKind, BriefLanguage

LABELS: dict[BriefLanguage, dict[str, str]] = {
    BriefLanguage.EN: {
        "brief": "Constituency brief",
        "subtitle": "Youth dialogues on safe migration",
        "period": "{start} to {end}",
        "events_held": "Events held",
        "headcount": "Attendance",
        "reached": "Young people reached",
        "checkins": "Check-ins",
        "signups": "Sign-ups",
        "monthly": "Month by month",
        "monthly_note": "The small number under each month counts the events held.",
        "gender": "By gender",
        "age": "By age",
        "topics": "Attendance by topic",
        "events_word": "events",
        "no_topics": "No event was held in this period.",
        "no_figures": "Nobody counted in this period.",
        "comparison": "Compared with the average constituency",
        "this_area": "This constituency",
        "average_in": "Average {unit} in {area}",
        "hidden": "not shown",
        "footnote": "— : counts from 1 to 4 are not shown, to protect young people's privacy.",
        "adjusted": "Counts of young people and attendance are adjusted by a small amount (at most 2) to "
        "protect privacy, so parts may not add up to totals.",
        "sources": "Attendance: officers' headcount in approved event reports. Young people reached: people "
        "checking in through the app here for the first time. Averages are per constituency.",
        "generated": "Prepared on {date}",
    },
    BriefLanguage.UR: {
        "brief": "حلقے کی رپورٹ",
        "subtitle": "محفوظ ہجرت پر نوجوانوں سے مکالمے",
        "period": "{start} تا {end}",
        "events_held": "منعقدہ تقریبات",
        "headcount": "حاضری",
        "reached": "نوجوانوں تک رسائی",
        "checkins": "چیک اِن",
        "signups": "نئے اندراجات",
        "monthly": "ماہ بہ ماہ",
        "monthly_note": "ہر مہینے کے نیچے چھوٹا عدد منعقدہ تقریبات کی تعداد ہے۔",
        "gender": "صنف کے لحاظ سے",
        "age": "عمر کے لحاظ سے",
        "topics": "موضوعات کے لحاظ سے حاضری",
        "events_word": "تقریبات",
        "no_topics": "اس مدت میں کوئی تقریب منعقد نہیں ہوئی۔",
        "no_figures": "اس مدت میں کوئی گنتی نہیں ہوئی۔",
        "comparison": "اوسط حلقے سے موازنہ",
        "this_area": "یہ حلقہ",
        "average_in": "{area} کا اوسط {unit}",
        "hidden": "ظاہر نہیں کیا گیا",
        "footnote": "— : نوجوانوں کی رازداری کے تحفظ کے لیے 1 سے 4 تک کی گنتی نہیں دکھائی جاتی۔",
        "adjusted": "رازداری کے تحفظ کے لیے نوجوانوں کی گنتی اور حاضری میں معمولی ردوبدل (زیادہ سے زیادہ 2) "
        "کیا جاتا ہے، اس لیے حصوں کا مجموعہ کل تعداد سے مختلف ہو سکتا ہے۔",
        "sources": "حاضری: منظور شدہ تقریب رپورٹوں میں افسران کی گنتی۔ نوجوانوں تک رسائی: ایپ کے ذریعے یہاں "
        "پہلی بار چیک اِن کرنے والے نوجوان۔ اوسط فی حلقہ ہے۔",
        "generated": "تاریخِ تیاری: {date}",
    },
}

MONTHS: dict[BriefLanguage, tuple[str, ...]] = {
    BriefLanguage.EN: (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    BriefLanguage.UR: (
        "جنوری",
        "فروری",
        "مارچ",
        "اپریل",
        "مئی",
        "جون",
        "جولائی",
        "اگست",
        "ستمبر",
        "اکتوبر",
        "نومبر",
        "دسمبر",
    ),
}

UNITS: dict[BriefLanguage, dict[AreaKind, str]] = {
    BriefLanguage.EN: {
        AreaKind.CONSTITUENCY: "constituency",
        AreaKind.DISTRICT: "district",
        AreaKind.PROVINCE: "province",
        AreaKind.NATIONAL: "country",
    },
    BriefLanguage.UR: {
        AreaKind.CONSTITUENCY: "حلقہ",
        AreaKind.DISTRICT: "ضلع",
        AreaKind.PROVINCE: "صوبہ",
        AreaKind.NATIONAL: "ملک",
    },
}

# Keys the counters use (schemas.youth.Gender, schemas.events.AgeBandCounts), in the order shown.
GENDERS: dict[str, tuple[str, str]] = {
    "female": ("Women", "خواتین"),
    "male": ("Men", "مرد"),
    "transgender": ("Transgender", "خواجہ سرا"),
    "prefer_not_to_say": ("Not stated", "نہیں بتایا"),
}
AGES: dict[str, tuple[str, str]] = {
    "under_15": ("Under 15", "15 سے کم"),
    "age_15_19": ("15–19", "15 تا 19"),
    "age_20_24": ("20–24", "20 تا 24"),
    "age_25_29": ("25–29", "25 تا 29"),
    "age_30_plus": ("30 and over", "30 اور زائد"),
}


def key_label(table: dict[str, tuple[str, str]], key: str, lang: BriefLanguage) -> str:
    """The label of a gender or age key; an unknown key is shown as it is, made readable."""
    if key in table:
        return table[key][0 if lang is BriefLanguage.EN else 1]
    return key.removeprefix("age_").replace("_", " ")


def ordered_keys(table: dict[str, tuple[str, str]], *splits: Mapping[str, object]) -> list[str]:
    """The keys present in any of the splits: known ones in the table's order, then the rest sorted."""
    present = {key for split in splits for key in split}
    return [key for key in table if key in present] + sorted(present - table.keys())
