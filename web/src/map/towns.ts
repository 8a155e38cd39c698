// Major towns of the theatre and its neighbours, for orientation only.
//
// Natural Earth's populated places are not published on npm in a form this
// build can take, so this is a short hand-made list: town centres as the
// English Wikipedia infobox of each town gives them, rounded to 0.01° (about
// 1 km). Rank 1 towns are labelled at every zoom, rank 2 from zoom 7.

interface Town {
  name: string;
  lat: number;
  lon: number;
  rank: 1 | 2;
}

export const TOWNS: readonly Town[] = [
  { name: "Baghdad", lat: 33.32, lon: 44.37, rank: 1 },
  { name: "Basra", lat: 30.51, lon: 47.81, rank: 1 },
  { name: "Mosul", lat: 36.34, lon: 43.13, rank: 1 },
  { name: "Erbil", lat: 36.19, lon: 44.01, rank: 1 },
  { name: "Kirkuk", lat: 35.47, lon: 44.39, rank: 1 },
  { name: "Sulaymaniyah", lat: 35.56, lon: 45.44, rank: 1 },
  { name: "Najaf", lat: 32.0, lon: 44.33, rank: 1 },
  { name: "Karbala", lat: 32.62, lon: 44.02, rank: 1 },
  { name: "Ramadi", lat: 33.42, lon: 43.31, rank: 1 },
  { name: "Tikrit", lat: 34.62, lon: 43.68, rank: 1 },
  { name: "Fallujah", lat: 33.35, lon: 43.78, rank: 2 },
  { name: "Habbaniyah", lat: 33.38, lon: 43.58, rank: 2 },
  { name: "Samarra", lat: 34.2, lon: 43.87, rank: 2 },
  { name: "Balad", lat: 34.02, lon: 44.15, rank: 2 },
  { name: "Baiji", lat: 34.93, lon: 43.49, rank: 2 },
  { name: "Baqubah", lat: 33.75, lon: 44.6, rank: 2 },
  { name: "Hillah", lat: 32.48, lon: 44.43, rank: 2 },
  { name: "Kut", lat: 32.5, lon: 45.83, rank: 2 },
  { name: "Diwaniyah", lat: 31.99, lon: 44.93, rank: 2 },
  { name: "Nasiriyah", lat: 31.04, lon: 46.26, rank: 2 },
  { name: "Amarah", lat: 31.84, lon: 47.14, rank: 2 },
  { name: "Duhok", lat: 36.87, lon: 42.98, rank: 2 },
  { name: "Zakho", lat: 37.14, lon: 42.68, rank: 2 },
  { name: "Tal Afar", lat: 36.38, lon: 42.45, rank: 2 },
  { name: "Sinjar", lat: 36.32, lon: 41.88, rank: 2 },
  { name: "Qayyarah", lat: 35.8, lon: 43.29, rank: 2 },
  { name: "Haditha", lat: 34.14, lon: 42.38, rank: 2 },
  { name: "Al-Qa'im", lat: 34.37, lon: 41.09, rank: 2 },
  { name: "Husaybah", lat: 34.39, lon: 40.99, rank: 2 },
  { name: "Rutba", lat: 33.03, lon: 40.28, rank: 2 },
  { name: "Albu Kamal", lat: 34.45, lon: 40.92, rank: 2 },
  { name: "Deir ez-Zor", lat: 35.34, lon: 40.14, rank: 2 },
  { name: "Raqqa", lat: 35.95, lon: 39.01, rank: 2 },
  { name: "Aleppo", lat: 36.2, lon: 37.16, rank: 1 },
  { name: "Damascus", lat: 33.51, lon: 36.29, rank: 1 },
  { name: "Amman", lat: 31.95, lon: 35.93, rank: 1 },
  { name: "Kuwait City", lat: 29.38, lon: 47.99, rank: 1 },
  { name: "Tehran", lat: 35.69, lon: 51.39, rank: 1 },
  { name: "Kermanshah", lat: 34.31, lon: 47.07, rank: 2 },
  { name: "Ahvaz", lat: 31.32, lon: 48.67, rank: 2 },
  { name: "Arar", lat: 30.98, lon: 41.04, rank: 2 },
];
