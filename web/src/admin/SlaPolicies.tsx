import { ActionIcon, Button, Group, NativeSelect, NumberInput, Switch, TextInput } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { get } from "../api";
import { type MessageKey, useI18n } from "../i18n";
import { ConditionsEditor, conditionPaths, useDescribeConditions } from "./ConditionsEditor";
import { EditorForm, Fieldset, duration } from "./forms";
import { useSaveItem } from "./problems";
import { ResourceList, listKey } from "./ResourceList";
import { type Calendar, SLA_METRICS, type SlaPolicy } from "./types";

const metricKey = (m: string) => `admin.metric.${m}` as MessageKey;
const useCalendars = () => useQuery({ queryKey: listKey("/sla/calendars"), queryFn: () => get<{ items: Calendar[] }>("/sla/calendars") });

/** SLA policies: tried in order, the first whose conditions hold gives the ticket its targets. */
export function SlaPolicies() {
  const { t } = useI18n();
  const describeConditions = useDescribeConditions();
  const calendars = useCalendars();
  const calendarName = (id: string | null) => (id ? (calendars.data?.items.find((c) => c.id === id)?.name ?? "?") : t("admin.sla.calendarTime"));
  return (
    <ResourceList<SlaPolicy>
      title={t("admin.sla")}
      intro={t("admin.sla.intro")}
      path="/sla/policies"
      ordered
      newLabel={t("admin.sla.new")}
      summary={(p) => (
        <>
          <div>{describeConditions(p.conditions)}</div>
          <div>
            {p.targets.map((target) => `${t(metricKey(target.metric))} ${duration(target.minutes, t)}`).join(" · ")} —{" "}
            {p.businessTime ? t("admin.sla.businessIn", { calendar: calendarName(p.calendarId) }) : calendarName(null)}
          </div>
        </>
      )}
      editor={(p, done) => <PolicyEditor policy={p} onDone={done} calendars={calendars.data?.items ?? []} />}
    />
  );
}

const PLACED = [/^name$/, /^active$/, /^position$/, /^calendarId$/, /^warnPercent$/, /^targets(\.\d+\.(metric|minutes))?$/, ...conditionPaths];

function PolicyEditor({ policy, onDone, calendars }: { policy: SlaPolicy | null; onDone(): void; calendars: Calendar[] }) {
  const { t } = useI18n();
  const [name, setName] = useState(policy?.name ?? "");
  const [active, setActive] = useState(policy?.active ?? true);
  const [conditions, setConditions] = useState(policy?.conditions ?? {});
  const [targets, setTargets] = useState(policy?.targets ?? [{ metric: "first_reply" as const, minutes: 60 }]);
  const [calendarId, setCalendarId] = useState<string | null>(policy?.calendarId ?? null);
  const [warnPercent, setWarnPercent] = useState<number | string>(policy?.warnPercent ?? 20);
  const body = { name, active, conditions, targets, calendarId, warnPercent: Number(warnPercent) };
  const save = useSaveItem<SlaPolicy>({
    path: "/sla/policies",
    existing: policy,
    body,
    onDone,
    savedMessage: (saved) => t("admin.saved", { name: saved.name }),
  });
  const { problems } = save;
  const setTarget = (i: number, change: Partial<(typeof targets)[number]>) => setTargets(targets.map((x, j) => (j === i ? { ...x, ...change } : x)));
  return (
    <EditorForm
      title={policy ? t("admin.sla.edit", { name: policy.name }) : t("admin.sla.new")}
      save={save}
      placed={PLACED}
      onCancel={onDone}
    >
      <TextInput label={t("admin.name")} value={name} onChange={(e) => setName(e.currentTarget.value)} error={problems.at("name")} required maw={420} />
      <Switch label={t("admin.active")} checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
      <ConditionsEditor value={conditions} onChange={setConditions} problems={problems} />
      <Fieldset legend={t("admin.sla.targets")} error={problems.at("targets")}>
        {targets.map((target, i) => (
          <Group key={i} gap="xs" align="flex-start" wrap="wrap">
            <NativeSelect
              label={t("admin.sla.metric", { n: i + 1 })}
              value={target.metric}
              onChange={(e) => setTarget(i, { metric: e.currentTarget.value as (typeof SLA_METRICS)[number] })}
              data={SLA_METRICS.map((m) => ({ value: m, label: t(metricKey(m)) }))}
              error={problems.at(`targets.${i}.metric`)}
              style={{ flex: "1 1 180px" }}
            />
            <NumberInput
              label={t("admin.sla.minutes", { n: i + 1 })}
              description={duration(target.minutes || 0, t)}
              value={target.minutes}
              onChange={(v) => setTarget(i, { minutes: Number(v) })}
              min={1}
              error={problems.at(`targets.${i}.minutes`)}
              w={150}
            />
            <ActionIcon
              variant="subtle"
              color="red" c="red.9"
              mt={26}
              onClick={() => setTargets(targets.filter((_, j) => j !== i))}
              aria-label={t("admin.sla.removeTarget", { metric: t(metricKey(target.metric)) })}
            >
              ×
            </ActionIcon>
          </Group>
        ))}
        {targets.length < SLA_METRICS.length && (
          <Group>
            <Button
              size="xs"
              variant="default"
              onClick={() => setTargets([...targets, { metric: SLA_METRICS.find((m) => !targets.some((x) => x.metric === m))!, minutes: 60 }])}
            >
              {t("admin.sla.addTarget")}
            </Button>
          </Group>
        )}
      </Fieldset>
      <NativeSelect
        label={t("admin.sla.calendar")}
        description={t("admin.sla.calendarHelp")}
        value={calendarId ?? ""}
        onChange={(e) => setCalendarId(e.currentTarget.value || null)}
        data={[{ value: "", label: t("admin.sla.calendarTime") }, ...calendars.map((c) => ({ value: c.id, label: t("admin.sla.businessIn", { calendar: c.name }) }))]}
        error={problems.at("calendarId")}
        maw={420}
      />
      <NumberInput
        label={t("admin.sla.warnPercent")}
        description={t("admin.sla.warnPercentHelp")}
        value={warnPercent}
        onChange={setWarnPercent}
        min={0}
        max={99}
        error={problems.at("warnPercent")}
        w={200}
      />
    </EditorForm>
  );
}
