// Major towns of the theatre and its neighbours, for orientation only.
//
// A short hand-made list, ranked by hand, that the generated places
// (ground.json, GeoNames) fill in around: town centres as the English
// Wikipedia infobox of each town gives them, rounded to 0.01° (about 1 km),
// with the names Arabic and Sorani Kurdish maps give them. Rank 1 towns are
// labelled at every zoom, rank 2 from zoom 7.

export interface Town {
  name: string;
  name_ar: string;
  name_ckb: string;
  lat: number;
  lon: number;
  rank: 1 | 2;
}

export const TOWNS: readonly Town[] = [
  { name: "Baghdad", name_ar: "بغداد", name_ckb: "بەغدا", lat: 33.32, lon: 44.37, rank: 1 },
  { name: "Basra", name_ar: "البصرة", name_ckb: "بەسرە", lat: 30.51, lon: 47.81, rank: 1 },
  { name: "Mosul", name_ar: "الموصل", name_ckb: "موسڵ", lat: 36.34, lon: 43.13, rank: 1 },
  { name: "Erbil", name_ar: "أربيل", name_ckb: "هەولێر", lat: 36.19, lon: 44.01, rank: 1 },
  { name: "Kirkuk", name_ar: "كركوك", name_ckb: "کەرکووک", lat: 35.47, lon: 44.39, rank: 1 },
  { name: "Sulaymaniyah", name_ar: "السليمانية", name_ckb: "سلێمانی", lat: 35.56, lon: 45.44, rank: 1 },
  { name: "Najaf", name_ar: "النجف", name_ckb: "نەجەف", lat: 32.0, lon: 44.33, rank: 1 },
  { name: "Karbala", name_ar: "كربلاء", name_ckb: "کەربەلا", lat: 32.62, lon: 44.02, rank: 1 },
  { name: "Ramadi", name_ar: "الرمادي", name_ckb: "ڕەمادی", lat: 33.42, lon: 43.31, rank: 1 },
  { name: "Tikrit", name_ar: "تكريت", name_ckb: "تکریت", lat: 34.62, lon: 43.68, rank: 1 },
  { name: "Fallujah", name_ar: "الفلوجة", name_ckb: "فەللووجە", lat: 33.35, lon: 43.78, rank: 2 },
  { name: "Habbaniyah", name_ar: "الحبانية", name_ckb: "حەببانییە", lat: 33.38, lon: 43.58, rank: 2 },
  { name: "Samarra", name_ar: "سامراء", name_ckb: "سامەڕا", lat: 34.2, lon: 43.87, rank: 2 },
  { name: "Balad", name_ar: "بلد", name_ckb: "بەلەد", lat: 34.02, lon: 44.15, rank: 2 },
  { name: "Baiji", name_ar: "بيجي", name_ckb: "بێجی", lat: 34.93, lon: 43.49, rank: 2 },
  { name: "Baqubah", name_ar: "بعقوبة", name_ckb: "بەعقووبە", lat: 33.75, lon: 44.6, rank: 2 },
  { name: "Hillah", name_ar: "الحلة", name_ckb: "حیللە", lat: 32.48, lon: 44.43, rank: 2 },
  { name: "Kut", name_ar: "الكوت", name_ckb: "کووت", lat: 32.5, lon: 45.83, rank: 2 },
  { name: "Diwaniyah", name_ar: "الديوانية", name_ckb: "دیوانییە", lat: 31.99, lon: 44.93, rank: 2 },
  { name: "Nasiriyah", name_ar: "الناصرية", name_ckb: "ناسریە", lat: 31.04, lon: 46.26, rank: 2 },
  { name: "Amarah", name_ar: "العمارة", name_ckb: "عەمارە", lat: 31.84, lon: 47.14, rank: 2 },
  { name: "Duhok", name_ar: "دهوك", name_ckb: "دهۆک", lat: 36.87, lon: 42.98, rank: 2 },
  { name: "Zakho", name_ar: "زاخو", name_ckb: "زاخۆ", lat: 37.14, lon: 42.68, rank: 2 },
  { name: "Tal Afar", name_ar: "تلعفر", name_ckb: "تەلەعفەر", lat: 36.38, lon: 42.45, rank: 2 },
  { name: "Sinjar", name_ar: "سنجار", name_ckb: "شنگال", lat: 36.32, lon: 41.88, rank: 2 },
  { name: "Qayyarah", name_ar: "القيارة", name_ckb: "قەییارە", lat: 35.8, lon: 43.29, rank: 2 },
  { name: "Haditha", name_ar: "حديثة", name_ckb: "حەدیسە", lat: 34.14, lon: 42.38, rank: 2 },
  { name: "Al-Qa'im", name_ar: "القائم", name_ckb: "قائیم", lat: 34.37, lon: 41.09, rank: 2 },
  { name: "Husaybah", name_ar: "الحصيبة", name_ckb: "حوسەیبە", lat: 34.39, lon: 40.99, rank: 2 },
  { name: "Rutba", name_ar: "الرطبة", name_ckb: "ڕوتبە", lat: 33.03, lon: 40.28, rank: 2 },
  { name: "Albu Kamal", name_ar: "البوكمال", name_ckb: "بووکەمال", lat: 34.45, lon: 40.92, rank: 2 },
  { name: "Deir ez-Zor", name_ar: "دير الزور", name_ckb: "دێرەزوور", lat: 35.34, lon: 40.14, rank: 2 },
  { name: "Raqqa", name_ar: "الرقة", name_ckb: "ڕەققە", lat: 35.95, lon: 39.01, rank: 2 },
  { name: "Aleppo", name_ar: "حلب", name_ckb: "حەلەب", lat: 36.2, lon: 37.16, rank: 1 },
  { name: "Damascus", name_ar: "دمشق", name_ckb: "دیمەشق", lat: 33.51, lon: 36.29, rank: 1 },
  { name: "Amman", name_ar: "عمان", name_ckb: "عەممان", lat: 31.95, lon: 35.93, rank: 1 },
  { name: "Kuwait City", name_ar: "مدينة الكويت", name_ckb: "شاری کوەیت", lat: 29.38, lon: 47.99, rank: 1 },
  { name: "Tehran", name_ar: "طهران", name_ckb: "تاران", lat: 35.69, lon: 51.39, rank: 1 },
  { name: "Kermanshah", name_ar: "كرمانشاه", name_ckb: "کرماشان", lat: 34.31, lon: 47.07, rank: 2 },
  { name: "Ahvaz", name_ar: "الأهواز", name_ckb: "ئەهواز", lat: 31.32, lon: 48.67, rank: 2 },
  { name: "Arar", name_ar: "عرعر", name_ckb: "عەرعەر", lat: 30.98, lon: 41.04, rank: 2 },
];
