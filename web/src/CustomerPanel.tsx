import { Alert, Badge, Button, Group, List, Modal, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, get, optional } from "./api";
import { useI18n } from "./i18n";
import { Section } from "./panels";

/** The shape of GET /tickets/:id/customer (commerce module, presenter.ts): money in minor units. */
interface Scan {
  scannedAt: string;
  gate: string | null;
  result: string;
}
interface Admission {
  id: string;
  section: string | null;
  row: string | null;
  seat: string | null;
  state: string;
  scans: Scan[];
}
interface Order {
  id: string;
  number: string;
  event: { name: string; startsAt: string; venueName: string | null; state: string };
  total: number;
  refundedTotal: number;
  currency: string;
  state: string;
  admissions: Admission[];
  payments: { method: string; brand: string | null; last4: string | null }[];
}
interface Subscription {
  id: string;
  plan: string;
  status: string;
  renewsAt: string | null;
  billing: { id: string; kind: string; amount: number; currency: string; status: string; occurredAt: string }[];
}
interface Advertiser {
  id: string;
  name: string;
  campaigns: { id: string; name: string; state: string; budget: number; spent: number; currency: string }[];
}
interface PastTicket {
  id: string;
  number: number;
  subject: string;
  status: string;
  satisfaction: { rating: "good" | "bad"; comment: string | null } | null;
}
interface Customer360 {
  orders: Order[];
  tickets?: PastTicket[];
  /** The fan's CSAT over every rated ticket (feedback module). */
  satisfaction?: { good: number; bad: number; csat: number | null };
  subscriptions: Subscription[];
  advertisers?: Advertiser[];
}
interface Decision {
  eligible: boolean;
  amount: number;
  currency: string;
  needsApproval: boolean;
  reasons: { code: string; text: string }[];
}

/** Minor units to a localised amount, with the currency's own number of decimals (JPY has none). */
export function formatMoney(locale: string, minor: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat(locale === "uk" ? "uk-UA" : "en-GB", { style: "currency", currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(minor / 10 ** digits);
  } catch {
    return `${minor} ${currency}`;
  }
}

const stateColor: Record<string, string> = {
  valid: "teal",
  scanned: "blue",
  refunded: "gray",
  exchanged: "gray",
  transferred: "gray",
  cancelled: "red",
  postponed: "orange",
  rescheduled: "orange",
  active: "teal",
  past_due: "red",
  failed: "red",
};

/**
 * Customer 360 beside the ticket: the requester's orders with seats, scans and
 * payments, subscriptions with billing, advertiser accounts — and the
 * workflows an agent runs from here (refund within policy, resend tickets),
 * each recorded on this ticket and told to the fan on its channel.
 */
export function CustomerPanel({ ticketId }: { ticketId: string }) {
  const { t, dateTime, locale } = useI18n();
  const customer = useQuery({
    queryKey: ["ticket", ticketId, "customer"],
    queryFn: () => optional<Customer360>(`/tickets/${ticketId}/customer`),
    retry: false,
  });
  const [refunding, setRefunding] = useState<Order | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const queryClient = useQueryClient();
  const money = (minor: number, currency: string) => formatMoney(locale, minor, currency);
  const data = customer.data;
  if (!data) return null;
  const orders = Array.isArray(data.orders) ? data.orders : [];
  const subscriptions = Array.isArray(data.subscriptions) ? data.subscriptions : [];
  const advertisers = Array.isArray(data.advertisers) ? data.advertisers : [];
  const pastTickets = (Array.isArray(data.tickets) ? data.tickets : []).filter((p) => p.id !== ticketId);
  const satisfaction = data.satisfaction;
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["ticket", ticketId] });
  };

  async function reissue(order: Order) {
    try {
      await api("POST", `/commerce/orders/${order.id}/reissue`, { ticketId });
      setNotice({ ok: true, text: t("customer.reissued", { number: order.number }) });
      refresh();
    } catch (err) {
      setNotice({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  }

  return (
    <Section title={t("customer.title")}>
      <Stack gap="xs">
        {notice && (
          <Alert color={notice.ok ? "teal" : "red"} withCloseButton onClose={() => setNotice(null)} role="status">
            {notice.text}
          </Alert>
        )}
        {satisfaction && (
          <Text size="sm" data-testid="customer-satisfaction">
            {satisfaction.csat === null ? t("customer.noRatings") : t("customer.satisfaction", satisfaction)}
          </Text>
        )}
        {orders.length === 0 && subscriptions.length === 0 && advertisers.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("customer.nothing")}
          </Text>
        )}
        {orders.length > 0 && (
          <div>
            <Text size="sm" fw={500}>
              {t("customer.orders")}
            </Text>
            <List size="sm" listStyleType="none" spacing="xs">
              {orders.map((o) => (
                <List.Item key={o.id}>
                  <Text size="sm">
                    <Text span fw={500}>
                      {o.number}
                    </Text>{" "}
                    · {o.event.name}
                    {o.event.venueName ? ` · ${o.event.venueName}` : ""} · {dateTime(o.event.startsAt)}{" "}
                    {o.event.state !== "scheduled" && (
                      <Badge size="xs" color={stateColor[o.event.state] ?? "gray"}>
                        {o.event.state}
                      </Badge>
                    )}
                  </Text>
                  <Text size="xs" c="dark.4">
                    {money(o.total, o.currency)}
                    {o.refundedTotal > 0 ? ` · ${t("customer.refunded", { amount: money(o.refundedTotal, o.currency) })}` : ""}
                    {o.payments.map((p) => ` · ${p.brand ?? p.method}${p.last4 ? ` •••• ${p.last4}` : ""}`).join("")}{" "}
                    <Badge size="xs" variant="light">
                      {o.state}
                    </Badge>
                  </Text>
                  <List size="xs" withPadding>
                    {o.admissions.map((a) => (
                      <List.Item key={a.id}>
                        {t("customer.seat", { section: a.section ?? "–", row: a.row ?? "–", seat: a.seat ?? "–" })}{" "}
                        <Badge size="xs" variant="light" color={stateColor[a.state] ?? "gray"}>
                          {a.state}
                        </Badge>
                        {a.scans.map((s, i) => (
                          <Text key={i} size="xs" c="dark.4">
                            {t("customer.scan", { time: dateTime(s.scannedAt), gate: s.gate ?? "–", result: s.result })}
                          </Text>
                        ))}
                      </List.Item>
                    ))}
                  </List>
                  <Group gap="xs" mt={4}>
                    <Button size="compact-xs" variant="outline" onClick={() => setRefunding(o)}>
                      {t("customer.refund")}
                    </Button>
                    <Button size="compact-xs" variant="outline" onClick={() => void reissue(o)}>
                      {t("customer.reissue")}
                    </Button>
                  </Group>
                </List.Item>
              ))}
            </List>
          </div>
        )}
        {subscriptions.length > 0 && (
          <div>
            <Text size="sm" fw={500}>
              {t("customer.subscriptions")}
            </Text>
            <List size="sm" listStyleType="none">
              {subscriptions.map((s) => (
                <List.Item key={s.id}>
                  {s.plan}{" "}
                  <Badge size="xs" variant="light" color={stateColor[s.status] ?? "gray"}>
                    {s.status}
                  </Badge>
                  {s.renewsAt ? ` · ${t("customer.renews", { date: dateTime(s.renewsAt) })}` : ""}
                  <List size="xs" withPadding>
                    {s.billing.slice(-3).map((b) => (
                      <List.Item key={b.id}>
                        {dateTime(b.occurredAt)} · {b.kind} {money(b.amount, b.currency)} · {b.status}
                      </List.Item>
                    ))}
                  </List>
                </List.Item>
              ))}
            </List>
          </div>
        )}
        {pastTickets.length > 0 && (
          <div>
            <Text size="sm" fw={500}>
              {t("customer.pastTickets")}
            </Text>
            <List size="sm" listStyleType="none">
              {pastTickets.slice(0, 10).map((p) => (
                <List.Item key={p.id}>
                  #{p.number} · {p.subject}{" "}
                  {p.satisfaction && (
                    <Badge size="xs" variant="light" color={p.satisfaction.rating === "good" ? "teal" : "red"} title={p.satisfaction.comment ?? undefined}>
                      {t(`satisfaction.${p.satisfaction.rating}`)}
                    </Badge>
                  )}
                </List.Item>
              ))}
            </List>
          </div>
        )}
        {advertisers.length > 0 && (
          <div>
            <Text size="sm" fw={500}>
              {t("customer.advertisers")}
            </Text>
            <List size="sm" listStyleType="none">
              {advertisers.map((a) => (
                <List.Item key={a.id}>
                  {a.name}
                  <List size="xs" withPadding>
                    {a.campaigns.map((c) => (
                      <List.Item key={c.id}>
                        {c.name} · {c.state} · {money(c.spent, c.currency)} / {money(c.budget, c.currency)}
                      </List.Item>
                    ))}
                  </List>
                </List.Item>
              ))}
            </List>
          </div>
        )}
      </Stack>
      {refunding && (
        <RefundDialog
          order={refunding}
          ticketId={ticketId}
          money={money}
          onClose={(text) => {
            setRefunding(null);
            if (text) {
              setNotice({ ok: true, text });
              refresh();
            }
          }}
        />
      )}
    </Section>
  );
}

/** What policy says first (eligibility, amount, reasons in the agent's language); the refund only on confirmation. */
function RefundDialog({
  order,
  ticketId,
  money,
  onClose,
}: {
  order: Order;
  ticketId: string;
  money: (minor: number, currency: string) => string;
  onClose: (done?: string) => void;
}) {
  const { t, locale } = useI18n();
  const decision = useQuery({
    queryKey: ["order", order.id, "decision", locale],
    queryFn: () => get<{ refund: Decision }>(`/commerce/orders/${order.id}/decision?locale=${locale}`),
  });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per dialog: a double click or a retry after a timeout refunds once.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const refund = decision.data?.refund;

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      const outcome = await api<{ request: { state: string } }>(
        "POST",
        `/commerce/orders/${order.id}/refunds`,
        { ticketId },
        { headers: { "idempotency-key": idempotencyKey } },
      );
      onClose(outcome.request.state === "completed" ? t("customer.refundDone", { number: order.number }) : t("customer.refundFiled"));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={() => onClose()} title={t("customer.refundTitle", { number: order.number })}>
      {decision.isLoading && <Text size="sm">…</Text>}
      {decision.error && <Alert color="red">{String((decision.error as Error).message)}</Alert>}
      {refund && (
        <Stack gap="xs">
          <Text size="sm" fw={500}>
            {refund.eligible
              ? t("customer.refundEligible", { amount: money(refund.amount, refund.currency) })
              : t("customer.refundNotEligible")}
          </Text>
          <List size="sm">
            {refund.reasons.map((r) => (
              <List.Item key={r.code}>{r.text}</List.Item>
            ))}
          </List>
          {refund.needsApproval && (
            <Text size="sm" c="orange.9">
              {t("customer.refundNeedsApproval")}
            </Text>
          )}
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => onClose()}>
              {t("customer.cancel")}
            </Button>
            <Button onClick={() => void confirm()} loading={busy} disabled={!refund.eligible}>
              {t("customer.refundConfirm")}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
