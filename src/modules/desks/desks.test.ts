import { describe, expect, it } from "vitest";
import { makeAgent, makeWorkspace } from "../../../test/factories";
import { useTestApp } from "../../../test/helpers";
import { DomainError } from "../../platform/errors";
import {
  addDeskAddress,
  createCategory,
  createCustomField,
  listCategories,
  listDeskAddresses,
  updateCategory,
  updateDesk,
} from "./service";

const app = useTestApp();
const code = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: DomainError) => e.code,
  );

describe("desks", () => {
  it("keep a category tree per desk with no cycles and no parents from other desks", async () => {
    const { admin, desk, otherDesk } = await makeWorkspace(app());
    const refunds = await createCategory(admin.ctx, desk.id, { key: "refunds", name: "Refunds & cancellations" });
    const cancelled = await createCategory(admin.ctx, desk.id, { key: "event-cancelled", name: "Event cancelled", parentId: refunds.id });
    const deeper = await createCategory(admin.ctx, desk.id, { key: "festival", name: "Festival", parentId: cancelled.id });
    expect(await code(updateCategory(admin.ctx, refunds.id, { parentId: deeper.id }))).toBe("category.cycle");
    expect(await code(createCategory(admin.ctx, otherDesk.id, { key: "x", name: "X", parentId: refunds.id }))).toBe("validation.failed");
    await updateCategory(admin.ctx, deeper.id, { archived: true });
    expect((await listCategories(admin.ctx, desk.id)).map((c) => c.key)).toEqual(["event-cancelled", "refunds"].sort());
  });

  it("route each address to exactly one desk, normalised", async () => {
    const { admin, desk, otherDesk } = await makeWorkspace(app());
    const address = await addDeskAddress(admin.ctx, desk.id, { channel: "email", address: " Tickets@Lumen.Example " });
    expect(address.address).toBe("tickets@lumen.example");
    expect(await code(addDeskAddress(admin.ctx, otherDesk.id, { channel: "email", address: "tickets@lumen.example" }))).toBe(
      "conflict.duplicate",
    );
    const phone = await addDeskAddress(admin.ctx, desk.id, { channel: "whatsapp", address: "+44 7700 900100" });
    expect(phone.address).toBe("+447700900100");
    expect(await code(addDeskAddress(admin.ctx, desk.id, { channel: "sms", address: "not a number" }))).toBe("validation.failed");
    expect((await listDeskAddresses(admin.ctx, desk.id)).map((a) => a.channel)).toEqual(["email", "whatsapp"]);
  });

  it("check custom field definitions: select fields need unique options, patterns must compile", async () => {
    const { admin, desk } = await makeWorkspace(app());
    expect(await code(createCustomField(admin.ctx, desk.id, { key: "venue", label: "Venue", type: "select" }))).toBe("validation.failed");
    expect(
      await code(
        createCustomField(admin.ctx, desk.id, {
          key: "venue",
          label: "Venue",
          type: "select",
          options: [
            { value: "a", label: "A" },
            { value: "a", label: "A again" },
          ],
        }),
      ),
    ).toBe("validation.failed");
    expect(
      await code(createCustomField(admin.ctx, desk.id, { key: "order", label: "Order", type: "text", validation: { pattern: "([" } })),
    ).toBe("validation.failed");
    expect(
      await code(
        createCustomField(admin.ctx, desk.id, { key: "order", label: "Order", type: "text", validation: { pattern: "^LL-\\d{6}$" } }),
      ),
    ).toBe("ok");
    expect(await code(createCustomField(admin.ctx, desk.id, { key: "order", label: "Order again", type: "text" }))).toBe(
      "conflict.duplicate",
    );
  });

  it("are administered by admins only", async () => {
    const { workspace, desk } = await makeWorkspace(app());
    const supervisor = await makeAgent(app(), workspace.id, { role: "supervisor", allDesks: true });
    expect(await code(updateDesk(supervisor.ctx, desk.id, { name: "Renamed" }))).toBe("auth.forbidden");
    expect(await code(createCategory(supervisor.ctx, desk.id, { key: "k", name: "K" }))).toBe("auth.forbidden");
  });
});
