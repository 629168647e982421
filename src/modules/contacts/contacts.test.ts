import { describe, expect, it } from "vitest";
import { makeTicket, makeWorkspace } from "../../../test/factories";
import { settle, useTestApp } from "../../../test/helpers";
import { DomainError } from "../../platform/errors";
import { getTicket } from "../tickets/service";
import {
  addIdentity,
  createContact,
  createOrganisation,
  findContactByIdentity,
  findOrCreateContact,
  getContact,
  listContacts,
  mergeContacts,
} from "./service";

const app = useTestApp();

describe("contacts and identities", () => {
  it("normalise identities so the same person is found again on any channel", async () => {
    const { admin } = await makeWorkspace(app());
    const contact = await createContact(admin.ctx, {
      name: "Sofía Ruiz",
      identities: [
        { kind: "email", value: " Sofia.Ruiz@Example.COM " },
        { kind: "phone", value: "0034 612-345 678" },
        { kind: "social", provider: "Instagram", value: "@SofiaR" },
      ],
    });
    expect(contact.identities.map((i) => [i.kind, i.provider, i.value])).toEqual([
      ["email", "", "sofia.ruiz@example.com"],
      ["phone", "", "+34612345678"],
      ["social", "instagram", "sofiar"],
    ]);
    expect((await findContactByIdentity(admin.ctx, { kind: "phone", value: "+34 612 345 678" }))?.id).toBe(contact.id);
    expect((await findContactByIdentity(admin.ctx, { kind: "social", provider: "instagram", value: "sofiar" }))?.id).toBe(contact.id);
  });

  it("find-or-create adds what it learns: an e-mail fan who later sends a WhatsApp is one contact", async () => {
    const { admin } = await makeWorkspace(app());
    const first = await findOrCreateContact(admin.ctx, { identities: [{ kind: "email", value: "kai@example.com" }], name: "Kai" });
    expect(first.created).toBe(true);
    const again = await findOrCreateContact(admin.ctx, {
      identities: [
        { kind: "email", value: "KAI@example.com" },
        { kind: "phone", value: "+447700900123" },
      ],
    });
    expect(again).toMatchObject({ created: false, contact: { id: first.contact.id } });
    const byPhone = await findOrCreateContact(admin.ctx, { identities: [{ kind: "phone", value: "+44 7700 900123" }] });
    expect(byPhone.contact.id).toBe(first.contact.id);
    expect(byPhone.contact.identities).toHaveLength(2);
  });

  it("refuses an identity that belongs to someone else, and invalid ones", async () => {
    const { admin } = await makeWorkspace(app());
    const a = await createContact(admin.ctx, { identities: [{ kind: "email", value: "a@example.com" }] });
    const b = await createContact(admin.ctx, { identities: [{ kind: "email", value: "b@example.com" }] });
    const taken = await addIdentity(admin.ctx, b.id, { kind: "email", value: "A@example.com" }).catch((e: DomainError) => e);
    expect(taken).toMatchObject({ code: "conflict.duplicate", details: { contactId: a.id } });
    const bad = await createContact(admin.ctx, { identities: [{ kind: "phone", value: "call me" }] }).catch((e: DomainError) => e);
    expect(bad).toMatchObject({ code: "validation.failed" });
  });

  it("puts a new contact in the organisation that owns their e-mail domain", async () => {
    const { admin } = await makeWorkspace(app());
    const org = await createOrganisation(admin.ctx, {
      name: "Northwind Drinks",
      domains: ["northwind-drinks.example"],
      tier: "advertiser",
    });
    const buyer = await createContact(admin.ctx, { identities: [{ kind: "email", value: "media@northwind-drinks.example" }] });
    expect(buyer.organisationId).toBe(org.id);
    expect((await listContacts(admin.ctx, { organisationId: org.id })).items.map((c) => c.id)).toEqual([buyer.id]);
    expect((await listContacts(admin.ctx, { q: "media@north" })).items.map((c) => c.id)).toEqual([buyer.id]);
  });

  it("merging two contacts moves identities now and tickets through the reactor", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id, { requester: { identities: [{ kind: "phone", value: "+380675550001" }] } });
    const target = await createContact(admin.ctx, {
      name: "Олена Бойко",
      tier: "vip",
      identities: [{ kind: "email", value: "olena@example.com" }],
    });
    const merged = await mergeContacts(admin.ctx, target.id, ticket.requesterId);
    expect(merged.identities.map((i) => i.value).sort()).toEqual(["+380675550001", "olena@example.com"]);
    expect((await getContact(admin.ctx, ticket.requesterId)).mergedIntoId).toBe(target.id);
    await settle(app(), admin.ctx.workspaceId);
    expect((await getTicket(admin.ctx, ticket.id)).requesterId).toBe(target.id);
    expect(await mergeContacts(admin.ctx, target.id, ticket.requesterId).catch((e: DomainError) => e.code)).toBe("contact.merge_invalid");
  });
});
