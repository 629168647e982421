import { Alert, Box } from "@mantine/core";
import type { Session } from "../api";
import { useI18n } from "../i18n";
import { Calendars } from "./Calendars";
import { Priority } from "./Priority";
import { Routing } from "./Routing";
import { Rules } from "./Rules";
import { canAdminister } from "./sections";
import { SlaPolicies } from "./SlaPolicies";

export default function AdminArea({ section, session }: { section: string; session: Session }) {
  const { t } = useI18n();
  if (!canAdminister(session)) {
    return (
      <Box p="md">
        <Alert color="red" role="alert" title={t("admin.forbidden")}>
          {t("admin.forbiddenHelp")}
        </Alert>
      </Box>
    );
  }
  return (
    <Box p={{ base: "xs", sm: "md" }} maw={980} data-admin={section}>
      {section === "calendars" ? (
        <Calendars />
      ) : section === "sla" ? (
        <SlaPolicies />
      ) : section === "priority" ? (
        <Priority />
      ) : section === "triggers" ? (
        <Rules kind="trigger" />
      ) : section === "automations" ? (
        <Rules kind="automation" />
      ) : section === "macros" ? (
        <Rules kind="macro" />
      ) : section === "routing" ? (
        <Routing />
      ) : (
        <Alert color="gray">{t("admin.unknownSection")}</Alert>
      )}
    </Box>
  );
}
