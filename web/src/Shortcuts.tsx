import { Kbd, Modal, Table } from "@mantine/core";
import { type MessageKey, useT } from "./i18n";

export const SHORTCUTS: [string, MessageKey][] = [
  ["j", "shortcuts.j"],
  ["k", "shortcuts.k"],
  ["Enter", "shortcuts.enter"],
  ["x", "shortcuts.x"],
  ["/", "shortcuts.slash"],
  ["1–9", "shortcuts.views"],
  ["r", "shortcuts.r"],
  ["n", "shortcuts.n"],
  ["u", "shortcuts.u"],
  ["Ctrl+Enter", "shortcuts.send"],
  ["?", "shortcuts.question"],
];

export function Shortcuts({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const t = useT();
  return (
    <Modal opened={opened} onClose={onClose} title={t("shortcuts.title")} closeButtonProps={{ "aria-label": "Close" }}>
      <Table>
        <Table.Tbody>
          {SHORTCUTS.map(([key, label]) => (
            <Table.Tr key={key}>
              <Table.Td>
                <Kbd>{key}</Kbd>
              </Table.Td>
              <Table.Td>{t(label)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}
