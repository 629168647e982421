import { Checkbox, Group, NativeSelect, Switch, TagsInput, TextInput, Textarea } from "@mantine/core";
import { useState } from "react";
import { useDesks } from "../data";
import { type MessageKey, useI18n } from "../i18n";
import { ActionsEditor, actionPaths, describeActions } from "./ActionsEditor";
import { ConditionsEditor, conditionPaths, useDescribeConditions } from "./ConditionsEditor";
import { EditorForm, Fieldset } from "./forms";
import { useSaveItem } from "./problems";
import { ResourceList } from "./ResourceList";
import { AuditPanel, DryRunPanel } from "./RuleTools";
import { TRIGGER_EVENTS, type Rule, type RuleAction, type RuleKind } from "./types";

const PLURAL: Record<RuleKind, "triggers" | "automations" | "macros"> = { trigger: "triggers", automation: "automations", macro: "macros" };

/** Triggers, time-based automations or macros: one screen, three kinds. */
export function Rules({ kind }: { kind: RuleKind }) {
  const { t } = useI18n();
  const describeConditions = useDescribeConditions();
  const desks = useDesks();
  const screen = PLURAL[kind];
  return (
    <ResourceList<Rule>
      key={kind}
      title={t(`admin.${screen}` as MessageKey)}
      intro={t(`admin.${screen}.intro` as MessageKey)}
      path={`/rules?kind=${kind}`}
      itemPath="/rules"
      alsoRefresh={[["macros"], ["rules"]]}
      ordered={kind !== "macro"}
      newLabel={t(`admin.${screen}.new` as MessageKey)}
      summary={(r) => (
        <>
          {kind === "trigger" && <div>{r.events.map((e) => t(`admin.event.${e}` as MessageKey)).join(", ")}</div>}
          {kind !== "macro" && <div>{describeConditions(r.conditions)}</div>}
          {kind === "macro" && r.deskId && <div>{desks.data?.items.find((d) => d.id === r.deskId)?.name}</div>}
          <div>→ {describeActions(r.actions, t)}</div>
        </>
      )}
      editor={(r, done) => <RuleEditor kind={kind} rule={r} onDone={done} />}
    />
  );
}

const PLACED = [/^name$/, /^description$/, /^active$/, /^position$/, /^events$/, /^changed$/, /^deskId$/, ...conditionPaths, ...actionPaths];

function RuleEditor({ kind, rule, onDone }: { kind: RuleKind; rule: Rule | null; onDone(): void }) {
  const { t } = useI18n();
  const desks = useDesks();
  const [name, setName] = useState(rule?.name ?? "");
  const [description, setDescription] = useState(rule?.description ?? "");
  const [active, setActive] = useState(rule?.active ?? true);
  const [events, setEvents] = useState<string[]>(rule?.events ?? ["created"]);
  const [changed, setChanged] = useState<string[]>(rule?.changed ?? []);
  const [conditions, setConditions] = useState(
    rule?.conditions ?? (kind === "automation" ? { all: [{ field: "status", op: "is", value: "pending" }, { field: "updated_at", op: "older_than_hours", value: 72 }] } : {}),
  );
  const [actions, setActions] = useState<RuleAction[]>(rule?.actions ?? [{ type: "add_tags", tags: [] }]);
  const [deskId, setDeskId] = useState(rule?.deskId ?? "");
  const body = {
    name,
    description: description || null,
    active,
    conditions,
    actions,
    ...(kind === "trigger" ? { events, changed } : {}),
    ...(kind === "macro" ? { deskId: deskId || null } : {}),
  };
  const save = useSaveItem<Rule>({
    path: "/rules",
    existing: rule,
    body,
    createExtra: { kind },
    onDone,
    savedMessage: (saved) => t("admin.saved", { name: saved.name }),
  });
  const { problems } = save;
  const screen = PLURAL[kind];
  return (
    <EditorForm
      title={rule ? t("admin.rules.edit", { name: rule.name }) : t(`admin.${screen}.new` as MessageKey)}
      save={save}
      placed={PLACED}
      onCancel={onDone}
      aside={
        <>
          <DryRunPanel kind={kind} conditions={conditions} actions={actions} />
          {rule && <AuditPanel rule={rule} />}
        </>
      }
    >
      <TextInput label={t("admin.name")} value={name} onChange={(e) => setName(e.currentTarget.value)} error={problems.at("name")} required maw={420} />
      <Textarea label={t("admin.description")} value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={problems.at("description")} autosize minRows={1} />
      <Switch label={t("admin.active")} checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
      {kind === "trigger" && (
        <>
          <Fieldset legend={t("admin.rules.events")} error={problems.at("events")}>
            <Group gap="md">
              {TRIGGER_EVENTS.map((e) => (
                <Checkbox
                  key={e}
                  label={t(`admin.event.${e}` as MessageKey)}
                  checked={events.includes(e)}
                  onChange={(ev) => setEvents(ev.currentTarget.checked ? [...events, e] : events.filter((x) => x !== e))}
                />
              ))}
            </Group>
          </Fieldset>
          {events.includes("updated") && (
            <TagsInput
              label={t("admin.rules.changed")}
              description={t("admin.rules.changedHelp")}
              value={changed}
              onChange={setChanged}
              data={["status", "priority", "tags", "assignee", "team", "tier", "category", "desk"]}
              error={problems.under("changed")}
              maw={520}
            />
          )}
        </>
      )}
      {kind === "macro" ? (
        <NativeSelect
          label={t("admin.rules.desk")}
          value={deskId}
          onChange={(e) => setDeskId(e.currentTarget.value)}
          data={[{ value: "", label: t("admin.rules.everyDesk") }, ...(desks.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))]}
          error={problems.at("deskId")}
          maw={320}
        />
      ) : (
        <ConditionsEditor
          value={conditions}
          onChange={setConditions}
          problems={problems}
          legend={kind === "automation" ? t("admin.rules.automationConditions") : undefined}
        />
      )}
      <ActionsEditor kind={kind} actions={actions} onChange={setActions} problems={problems} />
    </EditorForm>
  );
}
