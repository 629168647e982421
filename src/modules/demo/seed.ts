import type { App } from "../../app";
import { systemActor } from "../../platform/context";
import { DomainError } from "../../platform/errors";
import { type ImportedContact, importContacts } from "../contacts/import";
import { createOrganisation } from "../contacts/service";
import { addDeskAddress, createCategory, createCustomField, createDesk } from "../desks/service";
import { backfillClocks } from "../sla/clocks";
import { createAgent, createTeam } from "../identity/service";
import { seedKnowledgeBase } from "../kb/demo";
import { seedCommerceDemo } from "../commerce/demo";
import { type ImportedMessage, type ImportedTicket, importTickets } from "../tickets/import";
import type { Priority, TicketStatus } from "../tickets/schema";
import { rebuildTagCatalogue } from "../tickets/tags";
import { createWorkspace, findWorkspaceBySlug } from "../workspaces/service";
import { type Lang, type Template, templates } from "./templates";
import { type Prng, advertisers, devices, emailLocal, events, people, plans, prng, sections, venues } from "./world";

/**
 * Generates the demo help desk from a seed: the same seed gives the same
 * workspace, byte for byte (ids aside). It reads like a real business —
 * Lumen Live, a box office for concerts and theatre in four cities and a
 * streaming service, with an advertiser desk — in English, Ukrainian and
 * Spanish.
 */
export const DEMO_WORKSPACE = "demo";
export const DEMO_ADMIN_EMAIL = "admin@lumen.example";
export const DEMO_PASSWORD = "usher-demo-password";

export interface DemoOptions {
  tickets?: number;
  seed?: number;
  /** "Now" of the demo world; tickets are spread over the 60 days before it. */
  now?: Date;
  onProgress?: (done: number, total: number) => void;
}

export interface DemoResult {
  workspaceId: string;
  tickets: number;
  contacts: number;
  agents: { email: string; role: string }[];
}

const DESKS = {
  "box-office": {
    name: "Box office",
    kind: "fans" as const,
    description: "Fans of our concerts and theatre: tickets, entry, refunds and exchanges.",
    addresses: [
      { channel: "email" as const, address: "tickets@lumen.example" },
      { channel: "sms" as const, address: "+447700900100" },
      { channel: "whatsapp" as const, address: "+447700900101" },
    ],
    categories: [
      ["event-access", "Event access", null],
      ["ticket-wont-scan", "Ticket won't scan", "event-access"],
      ["pdf-reissue", "Lost or missing tickets", "event-access"],
      ["accessibility", "Accessibility", "event-access"],
      ["refunds", "Refunds & cancellations", null],
      ["refund-request", "Refund request", "refunds"],
      ["event-cancelled", "Event cancelled", "refunds"],
      ["event-postponed", "Event postponed", "refunds"],
      ["orders", "Orders & payments", null],
      ["charged-twice", "Charged twice", "orders"],
      ["payment-failed", "Payment failed", "orders"],
      ["ticket-transfer", "Transfers", "orders"],
      ["artist-inquiry", "Artist inquiries", null],
      ["venue-sales-down", "Venue cannot sell", null],
    ] as const,
  },
  streaming: {
    name: "Lumen+ streaming",
    kind: "fans" as const,
    description: "Subscribers of Lumen+: playback, billing, accounts and content access.",
    addresses: [
      { channel: "email" as const, address: "help@lumenplus.example" },
      { channel: "in_app" as const, address: "lumenplus-ios" },
      { channel: "in_app" as const, address: "lumenplus-android" },
    ],
    categories: [
      ["playback", "Playback", null],
      ["buffering", "Buffering & freezing", "playback"],
      ["drm-error", "DRM & device errors", "playback"],
      ["audio-sync", "Audio & subtitles", "playback"],
      ["billing", "Subscription & billing", null],
      ["renewal-charged-twice", "Renewal charged twice", "billing"],
      ["cancel-subscription", "Cancel subscription", "billing"],
      ["upgrade", "Upgrade & plans", "billing"],
      ["login", "Account & login", null],
      ["region-lock", "Content access & regions", null],
    ] as const,
  },
  advertisers: {
    name: "Advertisers",
    kind: "advertisers" as const,
    description: "Advertisers and agencies: campaigns, creative, invoices and reporting.",
    addresses: [{ channel: "email" as const, address: "adops@lumen.example" }],
    categories: [
      ["campaign-not-serving", "Campaign not serving", null],
      ["ad-specs", "Ad specs & creative", null],
      ["invoicing", "Invoicing", null],
      ["reporting", "Reporting", null],
    ] as const,
  },
};

type DeskKey = keyof typeof DESKS;

const AGENTS = [
  {
    email: DEMO_ADMIN_EMAIL,
    name: "Olena Kovalenko",
    role: "admin",
    languages: ["uk", "en"],
    locale: "en",
    desks: "all",
    teams: ["tier-3"],
  },
  {
    email: "sam.reid@lumen.example",
    name: "Sam Reid",
    role: "supervisor",
    languages: ["en"],
    locale: "en",
    desks: "all",
    teams: ["tier-2"],
  },
  {
    email: "aoife.byrne@lumen.example",
    name: "Aoife Byrne",
    role: "agent",
    languages: ["en"],
    locale: "en",
    desks: ["box-office"],
    teams: ["tier-1"],
  },
  {
    email: "taras.melnyk@lumen.example",
    name: "Тарас Мельник",
    role: "agent",
    languages: ["uk", "en"],
    locale: "uk",
    desks: ["box-office", "streaming"],
    teams: ["tier-1"],
  },
  {
    email: "lucia.romero@lumen.example",
    name: "Lucía Romero",
    role: "agent",
    languages: ["es", "en"],
    locale: "en",
    desks: ["box-office", "streaming"],
    teams: ["tier-1"],
  },
  {
    email: "dev.patel@lumen.example",
    name: "Dev Patel",
    role: "agent",
    languages: ["en"],
    locale: "en",
    desks: ["streaming"],
    teams: ["tier-2"],
  },
  {
    email: "iryna.savchenko@lumen.example",
    name: "Ірина Савченко",
    role: "agent",
    languages: ["uk", "en", "es"],
    locale: "uk",
    desks: ["advertisers"],
    teams: ["ad-ops"],
  },
  {
    email: "marcus.hale@lumen.example",
    name: "Marcus Hale",
    role: "light_agent",
    languages: ["en"],
    locale: "en",
    desks: "all",
    teams: ["pr"],
  },
] as const;

const TEAMS = [
  ["tier-1", "Tier 1"],
  ["tier-2", "Tier 2"],
  ["tier-3", "Tier 3"],
  ["pr", "PR"],
  ["production", "Production"],
  ["ad-ops", "Ad Ops"],
] as const;

/** Hours to the first-reply deadline by priority; the SLA engine replaces this when it runs. */
const DUE_HOURS: Record<Priority, number> = { urgent: 1, high: 4, normal: 24, low: 72 };
const SCORE: Record<Priority, number> = { urgent: 20, high: 10, normal: 0, low: -5 };

export async function seedDemo(app: App, options: DemoOptions = {}): Promise<DemoResult> {
  const total = options.tickets ?? 2500;
  const rnd = prng(options.seed ?? 2026);
  const now = options.now ?? app.clock.now();
  if (await findWorkspaceBySlug(app.database.db, DEMO_WORKSPACE)) {
    throw new DomainError("conflict.duplicate", `The demo workspace "${DEMO_WORKSPACE}" already exists`);
  }
  const workspace = await createWorkspace(app.database.db, app.clock, {
    slug: DEMO_WORKSPACE,
    name: "Lumen Live",
    defaultLocale: "en",
    timezone: "Europe/London",
  });
  const ctx = app.ctx(workspace.id, systemActor("demo"));

  // Desks, their categories, fields and addresses.
  const desks = {} as Record<DeskKey, { id: string; categories: Map<string, string> }>;
  for (const [key, spec] of Object.entries(DESKS) as [DeskKey, (typeof DESKS)[DeskKey]][]) {
    const desk = await createDesk(ctx, { key, name: spec.name, kind: spec.kind, description: spec.description, timezone: "Europe/London" });
    const categories = new Map<string, string>();
    for (const [catKey, name, parent] of spec.categories) {
      const row = await createCategory(ctx, desk.id, { key: catKey, name, parentId: parent ? categories.get(parent) : null });
      categories.set(catKey, row.id);
    }
    for (const address of spec.addresses) await addDeskAddress(ctx, desk.id, address);
    desks[key] = { id: desk.id, categories };
  }
  await createCustomField(ctx, desks["box-office"].id, {
    key: "order_number",
    label: "Order number",
    type: "text",
    public: true,
    validation: { pattern: "^LL-\\d{6}$" },
  });
  await createCustomField(ctx, desks["box-office"].id, {
    key: "venue",
    label: "Venue",
    type: "select",
    public: true,
    options: venues.map((v) => ({ value: slug(v.name.en), label: `${v.name.en}, ${v.city}` })),
  });
  await createCustomField(ctx, desks["box-office"].id, { key: "event_date", label: "Event date", type: "date", public: true });
  await createCustomField(ctx, desks.streaming.id, {
    key: "device",
    label: "Device",
    type: "select",
    public: true,
    options: devices.map((d) => ({ value: slug(d), label: d })),
  });
  await createCustomField(ctx, desks.streaming.id, {
    key: "plan",
    label: "Plan",
    type: "select",
    options: plans.map((p) => ({ value: slug(p), label: p })),
  });
  // Inputs of the Tier 3 escalation rule (seeds/003): claims over $1,000, incidents affecting 5%+ of attendees.
  for (const key of ["box-office", "streaming"] as const) {
    await createCustomField(ctx, desks[key].id, { key: "claim_amount", label: "Claim amount (USD)", type: "number", validation: { min: 0 } });
    await createCustomField(ctx, desks[key].id, { key: "affected_share", label: "Attendees affected (%)", type: "number", validation: { min: 0, max: 100 } });
  }
  await createCustomField(ctx, desks.advertisers.id, { key: "campaign_id", label: "Campaign", type: "text", required: true, public: true });
  await createCustomField(ctx, desks.advertisers.id, { key: "budget", label: "Budget (EUR)", type: "number", validation: { min: 0 } });
  await seedKnowledgeBase(ctx, { "box-office": desks["box-office"].id, streaming: desks.streaming.id, advertisers: desks.advertisers.id }, now);

  // Teams and agents.
  const teams = new Map<string, string>();
  for (const [key, name] of TEAMS) teams.set(key, (await createTeam(ctx, { key, name })).id);
  const agents: { id: string; languages: readonly string[]; desks: "all" | readonly string[]; role: string }[] = [];
  for (const a of AGENTS) {
    const agent = await createAgent(ctx, {
      email: a.email,
      name: a.name,
      role: a.role,
      password: DEMO_PASSWORD,
      locale: a.locale,
      timezone: "Europe/London",
      languages: [...a.languages],
      allDesks: a.desks === "all",
      deskIds: a.desks === "all" ? [] : a.desks.map((d) => desks[d as DeskKey].id),
      teamIds: a.teams.map((t) => teams.get(t)!),
    });
    agents.push({ id: agent.id, languages: a.languages, desks: a.desks, role: a.role });
  }

  // Advertiser organisations.
  const orgs: ((typeof advertisers)[number] & { id: string })[] = [];
  for (const adv of advertisers) {
    orgs.push({ ...adv, id: (await createOrganisation(ctx, { name: adv.name, domains: [adv.domain], tier: "advertiser" })).id });
  }

  // Contacts: fans in three languages, and people at the advertisers.
  const fanCount = Math.max(60, Math.ceil(total / 3));
  const contacts: ImportedContact[] = [];
  const contactLang: Lang[] = [];
  const contactOrg: (string | null)[] = [];
  for (let i = 0; i < fanCount; i++) {
    const lang = rnd.weighted<Lang>([
      ["en", 5],
      ["uk", 3],
      ["es", 2],
    ]);
    const p = people[lang];
    const [first, last] = [rnd.pick(p.first), rnd.pick(p.last)];
    const identities: ImportedContact["identities"] = [{ kind: "email", value: `${emailLocal(first, last)}${i}@${rnd.pick(p.domains)}` }];
    if (rnd.chance(0.5)) identities.push({ kind: "phone", value: `${p.phone}${String(10000 + i).slice(-5)}` });
    contacts.push({
      name: `${first} ${last}`,
      locale: lang,
      timezone: p.timezone,
      tier: rnd.weighted([
        ["standard", 90],
        ["premium", 6],
        ["vip", 3],
        ["influencer", 1],
      ]),
      identities,
    });
    contactLang.push(lang);
    contactOrg.push(null);
  }
  for (const org of orgs) {
    for (let i = 0; i < 3; i++) {
      const lang = rnd.pick<Lang>(["en", "uk", "es"]);
      const p = people[lang];
      const [first, last] = [rnd.pick(p.first), rnd.pick(p.last)];
      contacts.push({
        name: `${first} ${last}`,
        locale: lang,
        timezone: p.timezone,
        tier: "advertiser",
        organisationId: org.id,
        identities: [{ kind: "email", value: `${emailLocal(first, last)}@${org.domain}` }],
      });
      contactLang.push(lang);
      contactOrg.push(org.id);
    }
  }
  const contactIds = await importContacts(ctx, contacts);
  const fans = contactIds.slice(0, fanCount).map((id, i) => ({ id, lang: contactLang[i]!, name: contacts[i]!.name }));
  const adContacts = contactIds.slice(fanCount).map((id, i) => ({
    id,
    lang: contactLang[fanCount + i]!,
    name: contacts[fanCount + i]!.name,
    org: orgs.find((o) => o.id === contactOrg[fanCount + i])!,
  }));

  // The box office behind the fans: events, orders, scans, subscriptions, advertiser accounts.
  await seedCommerceDemo(ctx, {
    seed: options.seed ?? 2026,
    now,
    fans: fans.map((f, i) => ({
      id: f.id,
      name: f.name,
      lang: f.lang,
      email: contacts[i]!.identities[0]!.value,
      phone: contacts[i]!.identities.find((x) => x.kind === "phone")?.value,
    })),
    advertisers,
  });

  // Tickets, in chunks so progress can be shown.
  const chunk = 1000;
  let done = 0;
  options.onProgress?.(0, total);
  while (done < total) {
    const batch: ImportedTicket[] = [];
    for (let i = 0; i < Math.min(chunk, total - done); i++) batch.push(makeTicket(rnd, now, desks, fans, adContacts, agents, teams));
    await importTickets(ctx, batch);
    done += batch.length;
    options.onProgress?.(done, total);
  }
  await rebuildTagCatalogue(ctx);
  // SLA clocks for the open history (imports run no reactors): the defaults of the seeds, then each unsolved ticket's clocks from its creation.
  await backfillClocks(ctx);
  return {
    workspaceId: workspace.id,
    tickets: total,
    contacts: contactIds.length,
    agents: AGENTS.map((a) => ({ email: a.email, role: a.role })),
  };
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
}

function makeTicket(
  rnd: Prng,
  now: Date,
  desks: Record<DeskKey, { id: string; categories: Map<string, string> }>,
  fans: { id: string; lang: Lang; name: string }[],
  adContacts: { id: string; lang: Lang; name: string; org: (typeof advertisers)[number] & { id: string } }[],
  agents: { id: string; languages: readonly string[]; desks: "all" | readonly string[]; role: string }[],
  teams: Map<string, string>,
): ImportedTicket {
  const template: Template = rnd.weighted(
    templates.map((t) => [t, t.desk === "advertisers" ? 1 : t.priority === "urgent" ? 1.5 : 4] as [Template, number]),
  );
  const isAd = template.desk === "advertisers";
  const adRequester = isAd ? rnd.pick(adContacts) : undefined;
  const requester = adRequester ?? rnd.pick(fans);
  const lang = requester.lang;
  const venue = rnd.pick(venues.filter((v) => v.lang === lang || rnd.chance(0.15)));
  const event = rnd.pick(events);
  // Recent days are busier: a skewed spread over the last 60 days.
  const ageHours = Math.floor(Math.pow(rnd.next(), 1.8) * 60 * 24);
  const createdAt = new Date(now.getTime() - ageHours * 3_600_000 - rnd.int(0, 3_599) * 1000);
  const eventDate = new Date(createdAt.getTime() + (template.eventDay ? 0 : rnd.int(2, 40)) * 86_400_000);
  const org = adRequester?.org;
  const campaign = org ? `${rnd.pick(org.campaigns)}-${rnd.int(10, 99)}` : "";
  const orderNumber = `LL-${rnd.int(100000, 999999)}`;
  const money = (amount: number) => (lang === "en" ? `£${amount}.00` : lang === "uk" ? `${amount * 50} ₴` : `${amount},00 €`);
  const fill = (text: string) =>
    text
      .replaceAll("{name}", requester.name.split(" ")[0]!)
      .replaceAll("{event}", event.name[lang])
      .replaceAll("{artist}", event.artist)
      .replaceAll("{venue}", venue.name[lang])
      .replaceAll("{date}", eventDate.toISOString().slice(0, 10))
      .replaceAll("{order}", orderNumber)
      .replaceAll("{section}", rnd.pick(sections))
      .replaceAll("{seat}", String(rnd.int(1, 40)))
      .replaceAll("{amount}", money(rnd.int(25, 240)))
      .replaceAll("{plan}", rnd.pick(plans))
      .replaceAll("{device}", rnd.pick(devices))
      .replaceAll("{campaign}", campaign)
      .replaceAll("{budget}", `€${rnd.int(5, 120)}k`);
  const text = template.text[lang];

  // Older tickets are mostly done; recent ones mostly waiting.
  const status: TicketStatus =
    ageHours > 24 * 7
      ? rnd.weighted<TicketStatus>([
          ["closed", 55],
          ["solved", 35],
          ["pending", 5],
          ["open", 5],
        ])
      : rnd.weighted<TicketStatus>([
          ["new", 22],
          ["open", 30],
          ["pending", 18],
          ["on_hold", 5],
          ["solved", 25],
        ]);
  const deskKey = template.desk;
  const eligible = agents.filter(
    (a) => a.role !== "light_agent" && (a.desks === "all" || a.desks.includes(deskKey)) && a.languages.includes(lang),
  );
  const assignee = status === "new" ? null : eligible.length ? rnd.pick(eligible) : null;
  const minutes = (n: number) => new Date(createdAt.getTime() + n * 60_000);
  const replyAfter = template.priority === "urgent" ? rnd.int(2, 25) : rnd.int(20, 60 * 20);
  const messages: ImportedMessage[] = [{ kind: "inbound", text: fill(text.body), createdAt: createdAt }];
  if (status !== "new") {
    if (template.tier && template.tier > 1 && assignee) {
      messages.push({
        kind: "note",
        text:
          lang === "uk"
            ? "Передаю на другу лінію – потрібна перевірка логів платежів."
            : "Escalating to Tier 2 – needs a look at the payment logs.",
        authorAgentId: assignee.id,
        createdAt: minutes(Math.max(1, replyAfter - 1)),
      });
    }
    messages.push({ kind: "outbound", text: fill(text.reply), authorAgentId: assignee?.id ?? null, createdAt: minutes(replyAfter) });
    if (text.followUp && (status === "solved" || status === "closed" || rnd.chance(0.3))) {
      messages.push({ kind: "inbound", text: fill(text.followUp), createdAt: minutes(replyAfter + rnd.int(5, 600)) });
    }
  }
  const priority: Priority = template.eventDay ? "urgent" : template.priority;
  const customFields: Record<string, unknown> =
    deskKey === "box-office"
      ? { order_number: orderNumber, venue: slug(venue.name.en), event_date: eventDate.toISOString().slice(0, 10) }
      : deskKey === "streaming"
        ? { device: slug(rnd.pick(devices)), plan: slug(rnd.pick(plans)) }
        : { campaign_id: campaign, budget: rnd.int(5, 120) * 1000 };
  const channel = rnd.pick(template.channels);
  return {
    deskId: desks[deskKey].id,
    subject: fill(text.subject),
    channel,
    requesterId: requester.id,
    organisationId: org?.id ?? null,
    status,
    priority,
    priorityScore: SCORE[priority] + (channel === "phone" ? 3 : 0),
    categoryId: desks[deskKey].categories.get(template.category) ?? null,
    tags: [...template.tags, ...(rnd.chance(0.05) ? ["vip"] : [])],
    customFields,
    language: lang,
    assigneeId: assignee?.id ?? null,
    teamId: template.tier === 2 ? (teams.get("tier-2") ?? null) : deskKey === "advertisers" ? (teams.get("ad-ops") ?? null) : null,
    tier: template.tier ?? 1,
    dueAt: new Date(createdAt.getTime() + DUE_HOURS[priority] * 3_600_000),
    createdAt,
    messages,
  };
}
