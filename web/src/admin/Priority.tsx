import { Button, Group, NativeSelect, NumberInput, Paper, Switch, Text, TextInput, Title } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { get, put } from "../api";
import { type MessageKey, useI18n } from "../i18n";
import { useToast } from "../toasts";
import { ConditionsEditor, conditionPaths, useDescribeConditions } from "./ConditionsEditor";
import { EditorForm } from "./forms";
import { useSaveItem, useSubmit } from "./problems";
import { ResourceList } from "./ResourceList";
import { PRIORITY_SIGNALS, type PriorityFactor, type PrioritySettings } from "./types";

const signalKey = (s: string) => `admin.signal.${s}` as MessageKey;
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** The priority table: factors whose points add up to a ticket's score, and the bands the score maps to. */
export function Priority() {
  const { t } = useI18n();
  const describeConditions = useDescribeConditions();
  return (
    <ResourceList<PriorityFactor>
      title={t("admin.priority")}
      intro={t("admin.priority.intro")}
      path="/priority/factors"
      newLabel={t("admin.priority.new")}
      header={<BandsForm />}
      summary={(f) =>
        [signed(f.points), f.key, f.signal ? t(signalKey(f.signal)) : "", describeConditions(f.conditions), f.action ? t("admin.priority.attach") : ""]
          .filter(Boolean)
          .join(" · ")
      }
      editor={(f, done) => <FactorEditor factor={f} onDone={done} />}
    />
  );
}

function BandsForm() {
  const { t } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ["admin", "/priority/settings"], queryFn: () => get<PrioritySettings>("/priority/settings") });
  const [draft, setDraft] = useState<PrioritySettings | null>(null);
  useEffect(() => {
    if (settings.data && !draft) setDraft(settings.data);
  }, [settings.data, draft]);
  const { problems, busy, submit } = useSubmit(
    () => put<PrioritySettings>("/priority/settings", draft),
    (saved) => {
      queryClient.setQueryData(["admin", "/priority/settings"], saved);
      toast(t("admin.priority.bandsSaved"));
    },
  );
  if (!draft) return null;
  const band = (key: keyof PrioritySettings["bands"]) => (
    <NumberInput
      label={t(`admin.priority.band.${key}` as MessageKey)}
      value={draft.bands[key]}
      onChange={(v) => setDraft({ ...draft, bands: { ...draft.bands, [key]: Number(v) } })}
      error={problems.at(`bands.${key}`)}
      w={130}
    />
  );
  return (
    <Paper withBorder p="sm" component="form" onSubmit={(e) => void submit(e)} aria-label={t("admin.priority.bands")}>
      <Title order={3} size="h5">
        {t("admin.priority.bands")}
      </Title>
      <Text size="sm" c="dark.4" mb="xs">
        {t("admin.priority.bandsHelp")}
      </Text>
      <Group gap="xs" align="flex-start" wrap="wrap">
        {band("urgent")}
        {band("high")}
        {band("normal")}
        <NumberInput
          label={t("admin.priority.endOfDay")}
          value={draft.endOfDayLeadMinutes}
          onChange={(v) => setDraft({ ...draft, endOfDayLeadMinutes: Number(v) })}
          min={0}
          max={600}
          error={problems.at("endOfDayLeadMinutes")}
          w={200}
        />
      </Group>
      {(problems.at("bands") || (problems.message && !problems.fields.length)) && (
        <Text size="sm" c="red.9" role="alert" mt={4}>
          {problems.at("bands") ?? problems.message}
        </Text>
      )}
      <Button type="submit" size="xs" mt="xs" loading={busy}>
        {t("admin.priority.saveBands")}
      </Button>
    </Paper>
  );
}

const PLACED = [/^key$/, /^label$/, /^points$/, /^signal$/, /^action$/, /^active$/, /^position$/, ...conditionPaths];

function FactorEditor({ factor, onDone }: { factor: PriorityFactor | null; onDone(): void }) {
  const { t } = useI18n();
  const [key, setKey] = useState(factor?.key ?? "");
  const [label, setLabel] = useState(factor?.label ?? "");
  const [points, setPoints] = useState<number | string>(factor?.points ?? 1);
  const [signal, setSignal] = useState(factor?.signal ?? "");
  const [action, setAction] = useState(factor?.action ?? "");
  const [active, setActive] = useState(factor?.active ?? true);
  const [conditions, setConditions] = useState(factor?.conditions ?? {});
  const body = { label, points: Number(points), signal: signal || null, action: action || null, active, conditions };
  const save = useSaveItem<PriorityFactor>({
    path: "/priority/factors",
    existing: factor,
    body,
    createExtra: { key },
    onDone,
    savedMessage: (saved) => t("admin.saved", { name: saved.label }),
  });
  const { problems } = save;
  return (
    <EditorForm
      title={factor ? t("admin.priority.edit", { name: factor.label }) : t("admin.priority.new")}
      save={save}
      placed={PLACED}
      onCancel={onDone}
    >
      <TextInput
        label={t("admin.priority.key")}
        description={t("admin.priority.keyHelp")}
        value={key}
        onChange={(e) => setKey(e.currentTarget.value)}
        disabled={!!factor}
        error={problems.at("key")}
        maw={320}
      />
      <TextInput label={t("admin.priority.label")} value={label} onChange={(e) => setLabel(e.currentTarget.value)} error={problems.at("label")} maw={420} />
      <NumberInput label={t("admin.priority.points")} value={points} onChange={setPoints} min={-100} max={100} error={problems.at("points")} w={160} />
      <Switch label={t("admin.active")} checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
      <NativeSelect
        label={t("admin.priority.signal")}
        description={t("admin.priority.signalHelp")}
        value={signal}
        onChange={(e) => setSignal(e.currentTarget.value)}
        data={[{ value: "", label: t("admin.priority.noSignal") }, ...PRIORITY_SIGNALS.map((s) => ({ value: s, label: t(signalKey(s)) }))]}
        error={problems.at("signal")}
        maw={420}
      />
      <NativeSelect
        label={t("admin.priority.action")}
        value={action}
        onChange={(e) => setAction(e.currentTarget.value)}
        data={[
          { value: "", label: t("admin.priority.noAction") },
          { value: "attach_to_tier2_case", label: t("admin.priority.attach") },
        ]}
        error={problems.at("action")}
        maw={420}
      />
      <ConditionsEditor value={conditions} onChange={setConditions} problems={problems} />
    </EditorForm>
  );
}
