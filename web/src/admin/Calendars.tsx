import { Checkbox, Switch, TagsInput, TextInput } from "@mantine/core";
import { useI18n } from "../i18n";
import { EditorForm, HoursEditor, TimeZoneSelect, hoursPaths } from "./forms";
import { useSaveItem } from "./problems";
import { ResourceList } from "./ResourceList";
import type { Calendar } from "./types";
import { useState } from "react";

/** Business calendars: weekly hours in a time zone, holidays, or 24/7. */
export function Calendars() {
  const { t } = useI18n();
  return (
    <ResourceList<Calendar>
      title={t("admin.calendars")}
      intro={t("admin.calendars.intro")}
      path="/sla/calendars"
      newLabel={t("admin.calendars.new")}
      summary={(c) =>
        [
          c.timeZone,
          c.alwaysOpen ? t("admin.calendars.alwaysOpen") : t("admin.calendars.intervals", { count: c.hours.length }),
          t("admin.calendars.holidayCount", { count: c.holidays.length }),
          c.isDefault ? t("admin.calendars.default") : "",
        ]
          .filter(Boolean)
          .join(" · ")
      }
      editor={(c, done) => <CalendarEditor calendar={c} onDone={done} />}
    />
  );
}

const PLACED = [/^name$/, /^timeZone$/, /^alwaysOpen$/, /^isDefault$/, /^holidays(\.\d+)?$/, ...hoursPaths("hours")];

function CalendarEditor({ calendar, onDone }: { calendar: Calendar | null; onDone(): void }) {
  const { t } = useI18n();
  const [name, setName] = useState(calendar?.name ?? "");
  const [timeZone, setTimeZone] = useState(calendar?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
  const [alwaysOpen, setAlwaysOpen] = useState(calendar?.alwaysOpen ?? false);
  const [hours, setHours] = useState(calendar?.hours ?? [1, 2, 3, 4, 5].map((day) => ({ day, start: "09:00", end: "17:00" })));
  const [holidays, setHolidays] = useState(calendar?.holidays ?? []);
  const [isDefault, setIsDefault] = useState(calendar?.isDefault ?? false);
  const body = { name, timeZone, alwaysOpen, hours: alwaysOpen ? [] : hours, holidays, isDefault };
  const save = useSaveItem<Calendar>({
    path: "/sla/calendars",
    existing: calendar,
    body,
    onDone,
    savedMessage: (saved) => t("admin.saved", { name: saved.name }),
  });
  const { problems } = save;
  return (
    <EditorForm
      title={calendar ? t("admin.calendars.edit", { name: calendar.name }) : t("admin.calendars.new")}
      save={save}
      placed={PLACED}
      onCancel={onDone}
    >
      <TextInput label={t("admin.name")} value={name} onChange={(e) => setName(e.currentTarget.value)} error={problems.at("name")} required maw={420} />
      <TimeZoneSelect label={t("admin.timeZone")} value={timeZone} onChange={setTimeZone} error={problems.at("timeZone")} />
      <Switch
        label={t("admin.calendars.alwaysOpen")}
        description={t("admin.calendars.alwaysOpenHelp")}
        checked={alwaysOpen}
        onChange={(e) => setAlwaysOpen(e.currentTarget.checked)}
      />
      {!alwaysOpen && <HoursEditor legend={t("admin.calendars.hours")} hours={hours} onChange={setHours} problems={problems} path="hours" />}
      <TagsInput
        label={t("admin.calendars.holidays")}
        description={t("admin.calendars.holidaysHelp")}
        value={holidays}
        onChange={setHolidays}
        error={problems.under("holidays")}
        maw={520}
      />
      <Checkbox
        label={t("admin.calendars.isDefault")}
        description={t("admin.calendars.isDefaultHelp")}
        checked={isDefault}
        onChange={(e) => setIsDefault(e.currentTarget.checked)}
      />
    </EditorForm>
  );
}
