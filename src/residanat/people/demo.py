"""Demo people: invented names (French and Arabic) and identity numbers, deterministic per seed.

Every app's demo loader makes the persons it needs here; web/demo.py (on top) runs the loaders.
"""

import datetime as dt
import random

from .models import Person

LAST_NAMES = [
    ("Alaoui", "العلوي"), ("Bennani", "بناني"), ("El Idrissi", "الإدريسي"), ("Tazi", "التازي"),
    ("Berrada", "برادة"), ("Chraibi", "الشرايبي"), ("El Amrani", "العمراني"), ("Benjelloun", "بنجلون"),
    ("Ouazzani", "الوزاني"), ("Lahlou", "لحلو"), ("Fassi Fihri", "الفاسي الفهري"), ("Zniber", "زنيبر"),
    ("Benkirane", "بنكيران"), ("El Ouafi", "الوافي"), ("Naciri", "الناصري"), ("Sqalli", "السقلي"),
    ("Bouzidi", "البوزيدي"), ("Amrani", "أمراني"), ("Ait Lahcen", "آيت لحسن"), ("Ouchen", "أوشن"),
    ("Hajji", "الحجي"), ("Mernissi", "المرنيسي"), ("Kettani", "الكتاني"), ("Sebti", "السبتي"),
]
FIRST_NAMES = [
    ("Salma", "سلمى"), ("Youssef", "يوسف"), ("Imane", "إيمان"), ("Mehdi", "المهدي"), ("Kenza", "كنزة"),
    ("Othmane", "عثمان"), ("Hiba", "هبة"), ("Anas", "أنس"), ("Nour", "نور"), ("Hamza", "حمزة"),
    ("Meryem", "مريم"), ("Ayoub", "أيوب"), ("Sara", "سارة"), ("Ilyas", "إلياس"), ("Ghita", "غيثة"),
    ("Reda", "رضا"), ("Zineb", "زينب"), ("Amine", "أمين"), ("Chaimae", "شيماء"), ("Yassine", "ياسين"),
]
FOREIGN = [("SN", "Diop", "ديوب"), ("ML", "Traoré", "تراوري"), ("MR", "Ould Ahmed", "ولد أحمد"), ("TN", "Ben Salah", "بن صالح")]


class PersonMaker:
    def __init__(self, seed=2026, serial_from=0):
        self.rng = random.Random(seed)
        self.serial = serial_from

    def make(self, foreign=False, name=None) -> Person:
        self.serial += 1
        first, first_ar = self.rng.choice(FIRST_NAMES)
        if foreign:
            nationality, last, last_ar = self.rng.choice(FOREIGN)
            identity = {"passport_number": f"P{700000 + self.serial}", "nationality": nationality}
        else:
            last, last_ar = self.rng.choice(LAST_NAMES)
            if name:
                (last, last_ar), (first, first_ar) = name
            identity = {"national_id": f"{self.rng.choice('ABCDGHJKLMNPQRSTUWXYZ')}{self.rng.choice('ABCDEFGHJK')}{100000 + self.serial}"}
        return Person.objects.create(
            last_name=last, first_name=first, last_name_ar=last_ar, first_name_ar=first_ar,
            birth_date=dt.date(1994, 1, 1) + dt.timedelta(days=self.rng.randrange(0, 365 * 8)),
            email=f"demo{self.serial}@etu.example.ma", **identity,
        )
