import type { Lang } from "./templates";

/** The fictional business of the demo: Lumen Live, a box office and streaming service. */

export const people: Record<Lang, { first: string[]; last: string[]; domains: string[]; timezone: string; phone: string }> = {
  en: {
    first: [
      "Emma",
      "Liam",
      "Olivia",
      "Noah",
      "Ava",
      "James",
      "Sophie",
      "Oliver",
      "Mia",
      "Harry",
      "Grace",
      "Jack",
      "Chloe",
      "Ethan",
      "Isla",
      "Daniel",
      "Zoe",
      "Samuel",
      "Ruby",
      "Leo",
      "Aoife",
      "Conor",
      "Priya",
      "Yusuf",
    ],
    last: [
      "Smith",
      "Johnson",
      "Brown",
      "Taylor",
      "Wilson",
      "Davies",
      "Evans",
      "Thomas",
      "Walker",
      "Wright",
      "Hughes",
      "Clarke",
      "Hall",
      "Green",
      "Lewis",
      "Murphy",
      "O'Brien",
      "Kelly",
      "Patel",
      "Khan",
    ],
    domains: ["gmail.com", "outlook.com", "icloud.com", "yahoo.co.uk", "proton.me", "btinternet.com"],
    timezone: "Europe/London",
    phone: "+44 7700 9",
  },
  uk: {
    first: [
      "Олена",
      "Андрій",
      "Марія",
      "Дмитро",
      "Ірина",
      "Олександр",
      "Наталія",
      "Сергій",
      "Юлія",
      "Тарас",
      "Оксана",
      "Максим",
      "Софія",
      "Богдан",
      "Катерина",
      "Володимир",
      "Анна",
      "Ярослав",
      "Дарина",
      "Іван",
    ],
    last: [
      "Коваленко",
      "Шевченко",
      "Бондаренко",
      "Ткаченко",
      "Кравченко",
      "Олійник",
      "Мельник",
      "Лисенко",
      "Гончаренко",
      "Руденко",
      "Савченко",
      "Петренко",
      "Мороз",
      "Кушнір",
      "Поліщук",
      "Бойко",
    ],
    domains: ["ukr.net", "gmail.com", "i.ua", "meta.ua", "outlook.com"],
    timezone: "Europe/Kyiv",
    phone: "+380 67 5",
  },
  es: {
    first: [
      "Lucía",
      "Hugo",
      "Martina",
      "Mateo",
      "Sofía",
      "Pablo",
      "Valeria",
      "Álvaro",
      "Paula",
      "Diego",
      "Carmen",
      "Javier",
      "Elena",
      "Marcos",
      "Irene",
      "Adrián",
      "Nerea",
      "Íker",
    ],
    last: [
      "García",
      "Martínez",
      "López",
      "Sánchez",
      "Pérez",
      "Gómez",
      "Fernández",
      "Ruiz",
      "Díaz",
      "Moreno",
      "Muñoz",
      "Romero",
      "Navarro",
      "Torres",
    ],
    domains: ["gmail.com", "hotmail.es", "yahoo.es", "outlook.es", "telefonica.net"],
    timezone: "Europe/Madrid",
    phone: "+34 612 3",
  },
};

export interface Venue {
  name: Record<Lang, string>;
  city: string;
  lang: Lang;
}

export const venues: Venue[] = [
  { name: { en: "Riverside Arena", uk: "Riverside Arena", es: "Riverside Arena" }, city: "London", lang: "en" },
  { name: { en: "Harbour Hall", uk: "Harbour Hall", es: "Harbour Hall" }, city: "Dublin", lang: "en" },
  { name: { en: "Podil Theatre", uk: "Театр на Подолі", es: "Teatro Podil" }, city: "Kyiv", lang: "uk" },
  { name: { en: "Lviv Opera House", uk: "Львівська опера", es: "Ópera de Leópolis" }, city: "Lviv", lang: "uk" },
  { name: { en: "Teatro del Puerto", uk: "Teatro del Puerto", es: "Teatro del Puerto" }, city: "Valencia", lang: "es" },
  { name: { en: "Sala Faro", uk: "Sala Faro", es: "Sala Faro" }, city: "Madrid", lang: "es" },
];

export const events: { name: Record<Lang, string>; artist: string; kind: "concert" | "theatre" | "stream" }[] = [
  { name: { en: "Nina Sol – Lunar Tour", uk: "Nina Sol – Lunar Tour", es: "Nina Sol – Lunar Tour" }, artist: "Nina Sol", kind: "concert" },
  { name: { en: "The Velvet Parade", uk: "The Velvet Parade", es: "The Velvet Parade" }, artist: "The Velvet Parade", kind: "concert" },
  {
    name: { en: "Hamlet (new production)", uk: "«Гамлет» (нова постановка)", es: "Hamlet (nuevo montaje)" },
    artist: "Podil Theatre company",
    kind: "theatre",
  },
  { name: { en: "Dvořák Night", uk: "Вечір Дворжака", es: "Noche de Dvořák" }, artist: "Kyiv Chamber Orchestra", kind: "concert" },
  { name: { en: "Los Faros live", uk: "Los Faros наживо", es: "Los Faros en concierto" }, artist: "Los Faros", kind: "concert" },
  {
    name: { en: "A Midsummer Night's Dream", uk: "«Сон літньої ночі»", es: "El sueño de una noche de verano" },
    artist: "Harbour Players",
    kind: "theatre",
  },
  {
    name: { en: "Echo Valley Festival", uk: "Фестиваль Echo Valley", es: "Festival Echo Valley" },
    artist: "various artists",
    kind: "concert",
  },
];

export const sections = ["Stalls", "Circle", "Balcony", "Block A", "Block C", "Floor", "Box 4"];
export const plans = ["Lumen+ Basic", "Lumen+ Standard", "Lumen+ Premium 4K", "Lumen+ Fan Club"];
export const devices = [
  "Samsung Smart TV",
  "iPhone 15",
  "Android phone",
  "Apple TV",
  "Roku Ultra",
  "PlayStation 5",
  "LG webOS TV",
  "Chromecast",
];

export const advertisers = [
  { name: "Northwind Drinks", domain: "northwind-drinks.example", campaigns: ["NWD-SUMMER", "NWD-ZERO-LAUNCH"] },
  { name: "Polar Bank", domain: "polarbank.example", campaigns: ["PB-CARD-Q3", "PB-APP-INSTALL"] },
  { name: "Kvitka Cosmetics", domain: "kvitka.example", campaigns: ["KV-SPRING", "KV-FESTIVAL"] },
  { name: "Sol y Sombra Travel", domain: "solysombra.example", campaigns: ["SYS-VERANO", "SYS-CITYBREAKS"] },
];

const TRANSLIT: Record<string, string> = {
  а: "a",
  б: "b",
  в: "v",
  г: "h",
  ґ: "g",
  д: "d",
  е: "e",
  є: "ie",
  ж: "zh",
  з: "z",
  и: "y",
  і: "i",
  ї: "i",
  й: "i",
  к: "k",
  л: "l",
  м: "m",
  н: "n",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  у: "u",
  ф: "f",
  х: "kh",
  ц: "ts",
  ч: "ch",
  ш: "sh",
  щ: "shch",
  ь: "",
  ю: "iu",
  я: "ia",
  "'": "",
};

/** An e-mail local part from a name: Ukrainian transliterated (national standard, 2010), accents dropped. */
export function emailLocal(first: string, last: string): string {
  const ascii = (s: string) =>
    [...s.toLowerCase()]
      .map((c) => TRANSLIT[c] ?? c)
      .join("")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]/g, "");
  return `${ascii(first)}.${ascii(last)}`;
}

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same demo. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
    weighted: <T>(items: readonly [T, number][]): T => {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [item, w] of items) {
        r -= w;
        if (r <= 0) return item;
      }
      return items.at(-1)![0];
    },
  };
}
export type Prng = ReturnType<typeof prng>;
