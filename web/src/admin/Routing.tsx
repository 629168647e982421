import { Anchor, Badge, Button, Checkbox, Group, NativeSelect, NumberInput, ActionIcon, Paper, Stack, Switch, TagsInput, Text, Title } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Agent } from "../api";
import { get, put } from "../api";
import { useAgents, useDesks } from "../data";
import { type MessageKey, useI18n } from "../i18n";
import { CHANNELS, channelKey } from "../labels";
import { onLinkClick } from "../router";
import { useToast } from "../toasts";
import { EditorForm, Fieldset, HoursEditor, TimeZoneSelect, hoursPaths } from "./forms";
import { useSaveItem, useSubmit } from "./problems";
import { ResourceList } from "./ResourceList";
import { type Availability, ROUTING_STRATEGIES, type RoutingConfig } from "./types";

const strategyKey = (s: string) => `admin.strategy.${s}` as MessageKey;
const STATUS_COLOR = { online: "teal.9", away: "orange.9", offline: "gray.7" } as const;

/** Who gets an unassigned ticket: a strategy per desk, and each agent's availability, shifts, capacity and skills. */
export function Routing() {
  const { t } = useI18n();
  const desks = useDesks();
  const deskName = (id: string | null) => (id ? (desks.data?.items.find((d) => d.id === id)?.name ?? "?") : t("admin.routing.everyDesk"));
  return (
    <ResourceList<RoutingConfig>
      title={t("admin.routing")}
      intro={t("admin.routing.intro")}
      path="/routing/configs"
      newLabel={t("admin.routing.new")}
      nameOf={(c) => deskName(c.deskId)}
      summary={(c) => [t(strategyKey(c.strategy)), c.useSkills ? t("admin.routing.bySkills") : ""].filter(Boolean).join(" · ")}
      editor={(c, done) => <ConfigEditor config={c} onDone={done} />}
      footer={
        <>
          <Text size="sm">
            {t("admin.routing.tiers")}{" "}
            <Anchor href="/admin/triggers" onClick={onLinkClick}>
              {t("admin.triggers")}
            </Anchor>
          </Text>
          <AgentsAvailability />
        </>
      }
    />
  );
}

function ConfigEditor({ config, onDone }: { config: RoutingConfig | null; onDone(): void }) {
  const { t } = useI18n();
  const desks = useDesks();
  const [deskId, setDeskId] = useState(config?.deskId ?? "");
  const [strategy, setStrategy] = useState<string>(config?.strategy ?? "round_robin");
  const [useSkills, setUseSkills] = useState(config?.useSkills ?? false);
  const [active, setActive] = useState(config?.active ?? true);
  const body = { deskId: deskId || null, strategy, useSkills, active };
  const save = useSaveItem<RoutingConfig>({
    path: "/routing/configs",
    existing: config,
    body,
    onDone,
    savedMessage: () => t("admin.routing.saved"),
  });
  const { problems } = save;
  return (
    <EditorForm
      title={config ? t("admin.routing.edit") : t("admin.routing.new")}
      save={save}
      placed={[/^deskId$/, /^strategy$/, /^useSkills$/, /^active$/]}
      onCancel={onDone}
    >
      <NativeSelect
        label={t("admin.routing.desk")}
        value={deskId}
        onChange={(e) => setDeskId(e.currentTarget.value)}
        data={[{ value: "", label: t("admin.routing.everyDesk") }, ...(desks.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))]}
        error={problems.at("deskId") ?? (problems.code === "conflict.duplicate" ? t("admin.routing.duplicate") : undefined)}
        maw={320}
      />
      <NativeSelect
        label={t("admin.routing.strategy")}
        value={strategy}
        onChange={(e) => setStrategy(e.currentTarget.value)}
        data={ROUTING_STRATEGIES.map((s) => ({ value: s, label: t(strategyKey(s)) }))}
        error={problems.at("strategy")}
        maw={320}
      />
      <Switch label={t("admin.routing.useSkills")} description={t("admin.routing.useSkillsHelp")} checked={useSkills} onChange={(e) => setUseSkills(e.currentTarget.checked)} />
      <Switch label={t("admin.active")} checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
    </EditorForm>
  );
}

function AgentsAvailability() {
  const { t } = useI18n();
  const agents = useAgents();
  const [editing, setEditing] = useState<Agent | null>(null);
  const list = (agents.data?.items ?? []).filter((a) => a.role !== "light_agent");
  return (
    <Stack gap="xs" component="section" aria-label={t("admin.routing.agents")}>
      <Title order={3} size="h4" mt="md">
        {t("admin.routing.agents")}
      </Title>
      <Text size="sm" c="dark.4">
        {t("admin.routing.agentsIntro")}
      </Text>
      {editing ? (
        <AvailabilityEditor agent={editing} onDone={() => setEditing(null)} />
      ) : (
        <Stack gap="xs" component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {list.map((a) => (
            <AgentCard key={a.id} agent={a} onEdit={() => setEditing(a)} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}

const useAvailability = (agentId: string) =>
  useQuery({ queryKey: ["admin", "availability", agentId], queryFn: () => get<Availability>(`/agents/${agentId}/availability`) });

function AgentCard({ agent, onEdit }: { agent: Agent; onEdit(): void }) {
  const { t } = useI18n();
  const availability = useAvailability(agent.id).data;
  return (
    <Paper component="li" withBorder p="sm" data-agent={agent.name}>
      <Group justify="space-between" gap="xs" wrap="wrap">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Group gap={6}>
            <Text fw={600}>{agent.name}</Text>
            {availability && (
              <Badge color={STATUS_COLOR[availability.status]} variant="filled">
                {t(`admin.status.${availability.status}` as MessageKey)}
              </Badge>
            )}
          </Group>
          {availability && (
            <Text size="sm" c="dark.5">
              {[
                availability.shifts.length ? t("admin.routing.shiftCount", { count: availability.shifts.length }) : t("admin.routing.noShifts"),
                Object.entries(availability.capacity)
                  .map(([k, v]) => `${k === "*" ? t("admin.routing.anyChannel") : k === "total" ? t("admin.routing.total") : t(channelKey(k))} ${v}`)
                  .join(", "),
                availability.skills.tiers.length ? t("admin.routing.tierList", { tiers: availability.skills.tiers.join(", ") }) : "",
              ]
                .filter(Boolean)
                .join(" · ")}
            </Text>
          )}
        </Stack>
        <Button size="xs" variant="default" onClick={onEdit} aria-label={t("admin.editNamed", { name: agent.name })}>
          {t("admin.edit")}
        </Button>
      </Group>
    </Paper>
  );
}

const CAPACITY_KEYS = ["*", "total", ...CHANNELS];

function AvailabilityEditor({ agent, onDone }: { agent: Agent; onDone(): void }) {
  const current = useAvailability(agent.id).data;
  return current ? <AvailabilityForm agent={agent} current={current} onDone={onDone} /> : null;
}

function AvailabilityForm({ agent, current, onDone }: { agent: Agent; current: Availability; onDone(): void }) {
  const { t } = useI18n();
  const toast = useToast();
  const desks = useDesks();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState(current.status);
  const [timeZone, setTimeZone] = useState(current.timeZone);
  const [shifts, setShifts] = useState(current.shifts);
  const [capacity, setCapacity] = useState(Object.entries(current.capacity));
  const [languages, setLanguages] = useState(current.skills.languages);
  const [skillDesks, setSkillDesks] = useState(current.skills.desks);
  const [tiers, setTiers] = useState(current.skills.tiers);
  const body = { status, timeZone, shifts, capacity: Object.fromEntries(capacity), skills: { languages, desks: skillDesks, tiers } };
  const save = useSubmit(
    () => put<Availability>(`/agents/${agent.id}/availability`, body),
    (saved) => {
      queryClient.setQueryData(["admin", "availability", agent.id], saved);
      toast(t("admin.saved", { name: agent.name }));
      onDone();
    },
  );
  const { problems } = save;
  const setCap = (i: number, entry: [string, number]) => setCapacity(capacity.map((c, j) => (j === i ? entry : c)));
  return (
    <EditorForm
      title={t("admin.routing.availabilityOf", { name: agent.name })}
      save={save}
      placed={[/^status$/, /^timeZone$/, /^capacity(\..*)?$/, /^skills(\..*)?$/, ...hoursPaths("shifts")]}
      onCancel={onDone}
    >
      <NativeSelect
        label={t("admin.routing.status")}
        value={status}
        onChange={(e) => setStatus(e.currentTarget.value as Availability["status"])}
        data={(["online", "away", "offline"] as const).map((s) => ({ value: s, label: t(`admin.status.${s}` as MessageKey) }))}
        error={problems.at("status")}
        maw={240}
      />
      <TimeZoneSelect label={t("admin.timeZone")} value={timeZone} onChange={setTimeZone} error={problems.at("timeZone")} />
      <HoursEditor legend={t("admin.routing.shifts")} hours={shifts} onChange={setShifts} problems={problems} path="shifts" />
      <Fieldset legend={t("admin.routing.capacity")} error={problems.at("capacity")}>
        <Text size="xs" c="dark.4">
          {t("admin.routing.capacityHelp")}
        </Text>
        {capacity.map(([key, n], i) => (
          <Group key={i} gap="xs" align="flex-start" wrap="wrap">
            <NativeSelect
              label={t("admin.routing.capacityChannel", { n: i + 1 })}
              value={key}
              onChange={(e) => setCap(i, [e.currentTarget.value, n])}
              data={CAPACITY_KEYS.map((k) => ({ value: k, label: k === "*" ? t("admin.routing.anyChannel") : k === "total" ? t("admin.routing.total") : t(channelKey(k)) }))}
              error={problems.under(`capacity.${key}`)}
              w={180}
            />
            <NumberInput label={t("admin.routing.capacityTickets", { n: i + 1 })} value={n} min={0} max={1000} onChange={(v) => setCap(i, [key, Number(v)])} w={130} />
            <ActionIcon variant="subtle" color="red" c="red.9" mt={26} onClick={() => setCapacity(capacity.filter((_, j) => j !== i))} aria-label={t("admin.routing.removeCapacity", { n: i + 1 })}>
              ×
            </ActionIcon>
          </Group>
        ))}
        <Group>
          <Button size="xs" variant="default" onClick={() => setCapacity([...capacity, [CAPACITY_KEYS.find((k) => !capacity.some(([c]) => c === k)) ?? "chat", 5]])}>
            {t("admin.routing.addCapacity")}
          </Button>
        </Group>
      </Fieldset>
      <Fieldset legend={t("admin.routing.skills")} error={problems.under("skills")}>
        <TagsInput label={t("admin.routing.languages")} description={t("admin.routing.anyWhenEmpty")} value={languages} onChange={setLanguages} maw={420} />
        <Checkbox.Group label={t("admin.routing.skillDesks")} description={t("admin.routing.anyWhenEmpty")} value={skillDesks} onChange={setSkillDesks}>
          <Group gap="md" mt={4}>
            {(desks.data?.items ?? []).map((d) => (
              <Checkbox key={d.id} value={d.id} label={d.name} />
            ))}
          </Group>
        </Checkbox.Group>
        <Checkbox.Group label={t("admin.routing.skillTiers")} description={t("admin.routing.anyWhenEmpty")} value={tiers.map(String)} onChange={(v) => setTiers(v.map(Number).sort())}>
          <Group gap="md" mt={4}>
            {[1, 2, 3].map((tier) => (
              <Checkbox key={tier} value={String(tier)} label={t("admin.routing.tier", { tier })} />
            ))}
          </Group>
        </Checkbox.Group>
      </Fieldset>
    </EditorForm>
  );
}
