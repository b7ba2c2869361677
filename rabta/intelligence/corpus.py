"""Generated complaints for the demo model: what people write about each category of the seeded
category tree (``rabta/complaints/seed.py``), in English, Roman Urdu and Urdu script.

A fresh deployment has no labelled history, so ``rabta intelligence train`` starts from these: a
few core phrases per category, each put in a sentence with openers, places, times and closers
chosen at random (seeded, so a run is reproducible). They teach the model the vocabulary of each
category in three scripts; they are no measure of how well it does on real complaints (the phrases
repeat across generated texts). Real history, once there is some, is added to them (``--history``).

Keys are the category codes without the province prefix (``MUN-WATER`` for ``PB-MUN-WATER`` and
``SD-MUN-WATER``): one label per kind of problem, turned into the place's own category when the
suggestion is made (``rabta.intelligence.suggest``).
"""

from __future__ import annotations

import random

# key → core phrases (English, Roman Urdu and Urdu mixed: what people really write).
PHRASES: dict[str, tuple[str, ...]] = {
    "MUN-WATER": (
        "no water supply in our street",
        "the tap water is dirty and smells",
        "water pipeline is broken and leaking",
        "tubewell not working, no drinking water",
        "hamare mohalle mein paani nahi aa raha",
        "nalkay mein ganda pani aa raha hai",
        "پانی کی فراہمی بند ہے",
        "نلکے میں گندا پانی آ رہا ہے",
        "پانی کی پائپ لائن ٹوٹ گئی ہے",
    ),
    "MUN-SANIT": (
        "garbage has not been collected",
        "the sewer is overflowing into the street",
        "drains are blocked and there is a bad smell",
        "kachra kai din se nahi uthaya gaya",
        "gutter ubal raha hai gali mein",
        "کوڑا کرکٹ نہیں اٹھایا گیا",
        "گٹر ابل رہا ہے اور بدبو ہے",
        "نالیاں بند ہیں",
    ),
    "MUN-STREET": (
        "streetlights are not working at night",
        "the street light pole is broken",
        "street lights band hain raat ko andhera hai",
        "bijli ke khambay ki light kharab hai gali mein",
        "اسٹریٹ لائٹس خراب ہیں",
        "رات کو گلی میں اندھیرا ہے روشنی نہیں",
    ),
    "MUN-ROADS": (
        "the road is full of potholes",
        "our street has not been paved for years",
        "broken road causes accidents",
        "sarak tooti hui hai aur gadhay hain",
        "gali ki marammat nahi hui",
        "سڑک ٹوٹی ہوئی ہے اور گڑھے ہیں",
        "گلی پکی نہیں کی گئی",
    ),
    "MUN-ENCR": (
        "shopkeepers have encroached on the footpath",
        "illegal construction blocks the road",
        "a stall occupies the public land",
        "dukan walon ne footpath par qabza kar liya",
        "sarkari zameen par naajaiz qabza",
        "دکانداروں نے فٹ پاتھ پر قبضہ کر لیا ہے",
        "سرکاری زمین پر ناجائز تعمیرات",
    ),
    "LAW-FIR": (
        "the police station refused to register my FIR",
        "police will not lodge a first information report",
        "thanay wale FIR darj nahi kar rahe",
        "police report likhne se inkar",
        "تھانے والے ایف آئی آر درج نہیں کر رہے",
        "پولیس نے رپورٹ درج کرنے سے انکار کیا",
    ),
    "LAW-MISCOND": (
        "a police officer beat me and abused me",
        "police constable demanded money and misbehaved",
        "police walon ne badtameezi ki aur mara",
        "thanedar ne dhamkiyan di",
        "پولیس اہلکار نے بدتمیزی کی اور مارا",
        "تھانیدار نے دھمکیاں دیں",
    ),
    "LAW-INVEST": (
        "the investigation of my case has not moved for months",
        "the investigating officer does nothing about the theft",
        "mere case ki tafteesh nahi ho rahi",
        "chori ka mulzim abhi tak giraftar nahi hua",
        "میرے مقدمے کی تفتیش مہینوں سے رکی ہوئی ہے",
        "چوری کے ملزم کو گرفتار نہیں کیا گیا",
    ),
    "EDU-TEACHER": (
        "the teacher does not come to school",
        "teachers are absent from the government school",
        "ustad school nahi aate bachon ki parhai kharab",
        "master sahab mahine se ghair hazir hain",
        "اساتذہ اسکول نہیں آتے",
        "استاد مہینے سے غیر حاضر ہے",
    ),
    "EDU-FACIL": (
        "the school has no toilets or drinking water",
        "classroom roof is leaking and there are no desks",
        "school ki imarat khasta haal hai",
        "bachon ke liye bench aur farnichar nahi",
        "اسکول میں بیت الخلا اور پینے کا پانی نہیں",
        "اسکول کی عمارت خستہ حال ہے",
    ),
    "EDU-FEES": (
        "the school charged admission fees that should be free",
        "my child was refused admission",
        "school wale ziada fees le rahe hain",
        "dakhla nahi diya ja raha",
        "اسکول زیادہ فیس لے رہا ہے",
        "بچے کو داخلہ نہیں دیا گیا",
    ),
    "HLT-MEDS": (
        "the hospital pharmacy has no medicines",
        "free medicines are not given at the health unit",
        "hospital mein dawai nahi milti",
        "sarkari dispensary mein adviyat dastiyab nahi",
        "اسپتال میں دوائیں دستیاب نہیں",
        "مفت ادویات نہیں دی جا رہیں",
    ),
    "HLT-STAFF": (
        "no doctor was present at the emergency ward",
        "hospital staff were rude to the patient",
        "doctor ghair hazir hai mareez intezar karte hain",
        "nurse aur staff ne badsulooki ki",
        "ایمرجنسی میں کوئی ڈاکٹر موجود نہیں تھا",
        "عملے نے مریض کے ساتھ بدسلوکی کی",
    ),
    "HLT-HYG": (
        "the hospital wards are dirty",
        "toilets in the hospital are filthy",
        "hospital mein safai nahi hoti",
        "ward mein gandagi aur bimari ka khatra",
        "اسپتال کے وارڈ گندے ہیں",
        "اسپتال میں صفائی کا کوئی انتظام نہیں",
    ),
    "ENG-OUTAGE": (
        "unscheduled load shedding for many hours",
        "electricity has been off since yesterday",
        "transformer burnt and no power in the area",
        "bijli ghanton se band hai loadshedding",
        "transformer jal gaya hai light nahi",
        "بجلی کئی گھنٹوں سے بند ہے",
        "ٹرانسفارمر جل گیا ہے",
    ),
    "ENG-BILL": (
        "my electricity bill is far too high",
        "wrong meter reading on the bill",
        "detection charges added to the bill",
        "bijli ka bill ziada aaya hai",
        "meter reading ghalat hai",
        "بجلی کا بل غلط آیا ہے",
        "میٹر ریڈنگ غلط ہے",
    ),
    "LAND-FARD": (
        "the patwari has not issued my fard",
        "land record copy delayed at the service centre",
        "patwari fard jaari nahi kar raha",
        "zameen ka record nahi mil raha",
        "پٹواری فرد جاری نہیں کر رہا",
        "زمین کا ریکارڈ نہیں مل رہا",
    ),
    "LAND-MUTAT": (
        "the mutation of inherited land is pending",
        "intiqal of my land has not been entered",
        "wirasat ka intiqal nahi hua",
        "zameen ka intiqal rok diya gaya",
        "وراثتی زمین کا انتقال نہیں ہوا",
        "انتقالِ اراضی زیرِ التوا ہے",
    ),
    "TRN-FARE": (
        "the bus conductor charged more than the fixed fare",
        "wagon drivers overcharge passengers",
        "ziada kiraya liya gaya",
        "rickshaw aur van wale kiraya barha dete hain",
        "کنڈکٹر نے زائد کرایہ لیا",
        "ویگن والے زیادہ کرایہ لیتے ہیں",
    ),
    "TRN-ROUTE": (
        "the bus does not run on its permitted route",
        "route permit issued without buses on the road",
        "bus apne route par nahi chalti",
        "route permit ka masla",
        "بس اپنے روٹ پر نہیں چلتی",
        "روٹ پرمٹ کے بغیر گاڑیاں چل رہی ہیں",
    ),
    "HRT-HARASS": (
        "I am being harassed at my workplace",
        "a man keeps harassing women on the way to college",
        "mujhe daftar mein harass kiya ja raha hai",
        "larkiyon ko tang kiya jata hai",
        "مجھے دفتر میں ہراساں کیا جا رہا ہے",
        "خواتین کو راستے میں تنگ کیا جاتا ہے",
    ),
    "HRT-MINOR": (
        "our church land was occupied",
        "minority community members are discriminated against",
        "aqliyat ke sath imtiazi sulook",
        "hamari ibadatgah par hamla hua",
        "اقلیتی برادری کے ساتھ امتیازی سلوک",
        "ہماری عبادت گاہ پر قبضہ کیا گیا",
    ),
    "HRT-CHILD": (
        "children are working at the brick kiln",
        "a young boy is employed at the workshop",
        "bachay bhatte par kaam karte hain",
        "kam umar bachon se mazdoori",
        "بچے اینٹوں کے بھٹے پر کام کرتے ہیں",
        "کم عمر بچوں سے مزدوری کروائی جاتی ہے",
    ),
    "LIC-VEHREG": (
        "my vehicle registration book has not been issued",
        "car number plate and registration transfer delayed",
        "gari ki registration nahi ho rahi",
        "motorcycle ki number plate nahi mili",
        "گاڑی کی رجسٹریشن نہیں ہو رہی",
        "نمبر پلیٹ نہیں ملی",
    ),
    "LIC-PROPTAX": (
        "the property tax assessment on my house is wrong",
        "excise office charged property tax twice",
        "property tax ziada lagaya gaya",
        "ghar ka tax ghalat hai",
        "مکان کا پراپرٹی ٹیکس غلط لگایا گیا",
        "ایکسائز نے ٹیکس دو بار لیا",
    ),
    "COR-BRIBE": (
        "the clerk demanded a bribe to process my file",
        "officials ask for money to do their job",
        "rishwat mangi ja rahi hai",
        "paise diye baghair kaam nahi hota",
        "کلرک نے فائل کے لیے رشوت مانگی",
        "پیسے دیے بغیر کام نہیں ہوتا",
    ),
    "COR-MISUSE": (
        "an officer uses the government vehicle for private work",
        "the official misused his authority against me",
        "afsar ikhtiyarat ka najaiz istemal kar raha hai",
        "sarkari gari zaati kaam ke liye",
        "افسر اختیارات کا ناجائز استعمال کر رہا ہے",
        "سرکاری گاڑی ذاتی کام کے لیے استعمال",
    ),
    "COR-PROCURE": (
        "the tender was given to a favoured contractor",
        "poor quality material used in the development scheme",
        "theka apne bande ko diya gaya",
        "tender mein ghapla hua",
        "ٹھیکہ من پسند ٹھیکیدار کو دیا گیا",
        "ترقیاتی اسکیم میں ناقص میٹیریل",
    ),
    "COR-NEPOT": (
        "jobs were given to relatives without merit",
        "recruitment was made on recommendation, not merit",
        "bharti mein sifarish chali",
        "rishtedaron ko naukri di gayi",
        "بھرتیوں میں اقربا پروری",
        "میرٹ کے بغیر سفارش پر نوکریاں",
    ),
    "OVS-EMPLOYER": (
        "my employer abroad has not paid my salary",
        "the company in Saudi Arabia kept my passport",
        "dubai mein company tankhwa nahi de rahi",
        "kafeel ne passport rakh liya",
        "بیرون ملک کمپنی تنخواہ نہیں دے رہی",
        "کفیل نے پاسپورٹ رکھ لیا",
    ),
    "OVS-PROPERTY": (
        "my property at home was occupied while I work abroad",
        "relatives grabbed my plot in my absence overseas",
        "bahar hoon aur ghar par qabza ho gaya",
        "overseas pakistani ki zameen par qabza",
        "بیرون ملک ہوں اور میرے پلاٹ پر قبضہ ہو گیا",
        "سمندر پار پاکستانی کی جائیداد پر قبضہ",
    ),
    "OVS-REMIT": (
        "the remittance I sent home has not arrived",
        "bank deducted charges on my home remittance",
        "bheje gaye paise nahi pohanche",
        "remittance account mein nahi aayi",
        "بھیجی گئی رقم نہیں پہنچی",
        "ترسیلات زر پر کٹوتی",
    ),
    "ID-CNIC": (
        "my identity card has not been issued after months",
        "NICOP renewal is delayed",
        "shanakhti card nahi bana",
        "nadra office mein card ki tajdeed rukh gayi",
        "شناختی کارڈ مہینوں سے نہیں بنا",
        "نائیکوپ کی تجدید میں تاخیر",
    ),
    "PASS-DELAY": (
        "my passport has not been delivered",
        "passport renewal is pending for weeks",
        "passport abhi tak nahi mila",
        "passport office ne tareekh par tareekh di",
        "پاسپورٹ ابھی تک نہیں ملا",
        "پاسپورٹ کی تجدید ہفتوں سے زیرِ التوا",
    ),
    "CUS-DELAY": (
        "my consignment has been held at the port for days",
        "clearance of the goods declaration is delayed",
        "container clear nahi ho raha",
        "maal port par ruka hua hai",
        "کنسائنمنٹ کئی دن سے پورٹ پر رکی ہوئی ہے",
        "گڈز ڈیکلریشن کی کلیئرنس میں تاخیر",
    ),
    "CUS-VALUE": (
        "customs raised the assessed value of my imported goods",
        "the valuation ruling is higher than the invoice value",
        "customs ne value barha di",
        "invoice se ziada valuation lagayi",
        "کسٹمز نے درآمدی سامان کی ویلیو بڑھا دی",
        "انوائس سے زیادہ ویلیوایشن",
    ),
    "CUS-CLASS": (
        "customs changed the HS code of my goods",
        "wrong tariff classification means higher duty",
        "hs code badal diya gaya",
        "ghalat classification se duty ziada",
        "کسٹمز نے ایچ ایس کوڈ تبدیل کر دیا",
        "غلط درجہ بندی سے ڈیوٹی زیادہ",
    ),
    "CUS-EXAM": (
        "the examination of my container damaged the goods",
        "examining officer delayed the physical inspection",
        "container ka muaina theek nahi hua",
        "examination mein saman kharab kar diya",
        "معائنے کے دوران سامان خراب کر دیا گیا",
        "کنٹینر کا معائنہ تاخیر سے ہوا",
    ),
    "CUS-REFUND": (
        "my duty drawback refund has not been paid",
        "sales tax refund pending with customs",
        "refund abhi tak nahi mila",
        "rebate ki adaigi ruki hui hai",
        "ڈیوٹی ڈرابیک ریفنڈ ادا نہیں ہوا",
        "ریبیٹ کی ادائیگی رکی ہوئی ہے",
    ),
    "CUS-IT": (
        "WeBOC system is down and I cannot file",
        "the PSW portal gives an error on submission",
        "weboc nahi chal raha",
        "psw portal par error aa raha hai",
        "ویبوک سسٹم بند ہے",
        "پی ایس ڈبلیو پورٹل پر خرابی",
    ),
    "CUS-HARASS": (
        "customs staff at the port harassed me",
        "a customs officer threatened the clearing agent",
        "customs wale tang kar rahe hain",
        "customs afsar ne dhamki di",
        "کسٹمز عملے نے ہراساں کیا",
        "کسٹمز افسر نے کلیئرنگ ایجنٹ کو دھمکی دی",
    ),
}

OPENERS = (
    "",
    "Dear sir,",
    "Respected officer,",
    "I want to complain that",
    "Please help,",
    "janab,",
    "guzarish hai ke",
    "meri shikayat hai ke",
    "جناب عالی،",
    "گزارش ہے کہ",
    "میری شکایت ہے کہ",
)
PLACES = (
    "",
    "in our area",
    "in my village",
    "near the main market",
    "in block C",
    "hamare ilaqe mein",
    "gaon mein",
    "ہمارے علاقے میں",
    "محلے میں",
)
TIMES = (
    "",
    "for two weeks",
    "since last month",
    "for many days",
    "do hafte se",
    "kai din se",
    "دو ہفتوں سے",
    "کئی دنوں سے",
)
CLOSERS = (
    "",
    "Please take action.",
    "Kindly resolve it soon.",
    "Nobody listens to us.",
    "meharbani kar ke karwai karein",
    "jaldi hal karein",
    "براہ کرم کارروائی کریں",
    "جلد حل کریں",
)


def generated(
    *, per_key: int = 40, seed: int = 12, phrases_by_key: dict[str, tuple[str, ...]] | None = None
) -> list[tuple[str, str]]:
    """``(text, key)`` pairs: ``per_key`` generated complaints for every key of ``phrases_by_key``
    (default :data:`PHRASES`)."""
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    for key, phrases in sorted((phrases_by_key or PHRASES).items()):
        for _ in range(per_key):
            core = rng.choice(phrases)
            if rng.random() < 0.3:
                core = f"{core}, {rng.choice(phrases)}"
            parts = (rng.choice(OPENERS), core, rng.choice(PLACES), rng.choice(TIMES), rng.choice(CLOSERS))
            out.append((" ".join(p for p in parts if p), key))
    return out
