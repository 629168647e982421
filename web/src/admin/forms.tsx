import { ActionIcon, Alert, Button, Group, List, NativeSelect, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { useI18n } from "../i18n";
import type { Problems } from "./problems";
import type { OpeningHours } from "./types";

/** An editor: its title, fields, the problems no field claims, and save / cancel. */
export function EditorForm(props: {
  title: string;
  /** What useSubmit / useSaveItem return. */
  save: { problems: Problems; busy: boolean; submit(event?: React.FormEvent): Promise<void> };
  placed: RegExp[];
  onCancel(): void;
  children: React.ReactNode;
  aside?: React.ReactNode;
}) {
  const { t } = useI18n();
  const { problems, busy, submit } = props.save;
  const rest = problems.unplaced(props.placed);
  return (
    <Stack gap="sm">
      <Paper withBorder p="sm" component="form" onSubmit={(e) => void submit(e)} noValidate aria-label={props.title}>
        <Title order={2} size="h3" mb="sm">
          {props.title}
        </Title>
        <Stack gap="sm">
          {props.children}
          {problems.message && (
            <Alert color="red" role="alert" title={t("admin.notSaved")} data-testid="form-problem">
              <Text size="sm">{problems.message}</Text>
              {rest.length > 0 && (
                <List size="sm" mt={4}>
                  {rest.map((p) => (
                    <List.Item key={`${p.path}:${p.message}`}>
                      {p.path}: {p.message}
                    </List.Item>
                  ))}
                </List>
              )}
            </Alert>
          )}
          <Group gap="xs">
            <Button type="submit" loading={busy}>
              {t("admin.save")}
            </Button>
            <Button variant="default" onClick={props.onCancel}>
              {t("admin.cancel")}
            </Button>
          </Group>
        </Stack>
      </Paper>
      {props.aside}
    </Stack>
  );
}

/** A group of inputs with a visible legend (fieldset), as screen readers expect. */
export function Fieldset({ legend, error, children }: { legend: string; error?: string; children: React.ReactNode }) {
  return (
    <Stack gap={6} component="fieldset" style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
      <Text component="legend" size="sm" fw={600}>
        {legend}
      </Text>
      {children}
      {error && (
        <Text size="xs" c="red.9" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}

export const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** Weekly hours (calendars) or shifts (agents): rows of ISO weekday, start and end, local wall clock. */
export function HoursEditor(props: {
  legend: string;
  hours: OpeningHours[];
  onChange(hours: OpeningHours[]): void;
  problems: Problems;
  path: string;
}) {
  const { t } = useI18n();
  const set = (i: number, change: Partial<OpeningHours>) => props.onChange(props.hours.map((h, j) => (j === i ? { ...h, ...change } : h)));
  return (
    <Fieldset legend={props.legend} error={props.problems.at(props.path)}>
      {props.hours.map((h, i) => (
        <Group key={i} gap="xs" align="flex-start" wrap="wrap">
          <NativeSelect
            label={t("admin.hours.day")}
            value={String(h.day)}
            onChange={(e) => set(i, { day: Number(e.currentTarget.value) })}
            data={DAYS.map((d) => ({ value: String(d), label: t(`admin.day.${d}` as never) }))}
            error={props.problems.at(`${props.path}.${i}.day`)}
            w={140}
          />
          <TextInput
            label={t("admin.hours.start")}
            value={h.start}
            onChange={(e) => set(i, { start: e.currentTarget.value })}
            placeholder="09:00"
            error={props.problems.at(`${props.path}.${i}.start`)}
            w={90}
          />
          <TextInput
            label={t("admin.hours.end")}
            value={h.end}
            onChange={(e) => set(i, { end: e.currentTarget.value })}
            placeholder="17:00"
            error={props.problems.at(`${props.path}.${i}.end`)}
            w={90}
          />
          <ActionIcon
            variant="subtle"
            color="red" c="red.9"
            mt={26}
            onClick={() => props.onChange(props.hours.filter((_, j) => j !== i))}
            aria-label={t("admin.hours.remove", { day: t(`admin.day.${h.day}` as never), start: h.start })}
          >
            ×
          </ActionIcon>
        </Group>
      ))}
      <Group gap="xs">
        <Button size="xs" variant="default" onClick={() => props.onChange([...props.hours, { day: nextDay(props.hours), start: "09:00", end: "17:00" }])}>
          {t("admin.hours.add")}
        </Button>
        <Button
          size="xs"
          variant="subtle"
          onClick={() => props.onChange([1, 2, 3, 4, 5].map((day) => ({ day, start: "09:00", end: "17:00" })))}
        >
          {t("admin.hours.weekdays")}
        </Button>
      </Group>
    </Fieldset>
  );
}

const nextDay = (hours: OpeningHours[]) => (hours.length ? (hours[hours.length - 1]!.day % 7) + 1 : 1);

/** Paths an HoursEditor shows its problems at. */
export const hoursPaths = (path: string) => [new RegExp(`^${path}(\\.\\d+\\.(day|start|end))?$`)];

/**
 * Every IANA zone the browser knows (the server checks with luxon). Browsers
 * still list some zones by their old names (Europe/Kiev): the current IANA
 * name is offered instead.
 */
const RENAMED: Record<string, string> = { "Europe/Kiev": "Europe/Kyiv", "Asia/Calcutta": "Asia/Kolkata", "Asia/Saigon": "Asia/Ho_Chi_Minh", "Asia/Katmandu": "Asia/Kathmandu", "Asia/Rangoon": "Asia/Yangon" };
export const TIME_ZONES: string[] = (() => {
  try {
    const zones = (Intl as unknown as { supportedValuesOf(key: string): string[] }).supportedValuesOf("timeZone").map((z) => RENAMED[z] ?? z);
    return [...new Set(zones)].sort();
  } catch {
    return ["UTC", "Europe/London", "Europe/Kyiv", "America/New_York"];
  }
})();

export function TimeZoneSelect(props: { label: string; value: string; onChange(zone: string): void; error?: string }) {
  const zones = TIME_ZONES.includes(props.value) || !props.value ? TIME_ZONES : [props.value, ...TIME_ZONES];
  return (
    <NativeSelect
      label={props.label}
      value={props.value}
      onChange={(e) => props.onChange(e.currentTarget.value)}
      data={zones.includes("UTC") ? zones : ["UTC", ...zones]}
      error={props.error}
      maw={320}
    />
  );
}

/** "2 h 30 min" from minutes, for summaries. */
export function duration(minutes: number, t: ReturnType<typeof useI18n>["t"]): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d && t("admin.duration.d", { n: d }), h && t("admin.duration.h", { n: h }), m && t("admin.duration.m", { n: m })].filter(Boolean).join(" ") || "0";
}
