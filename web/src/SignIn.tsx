import { Alert, Button, Center, Paper, PasswordInput, Stack, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { ApiError, type Session, api } from "./api";
import { useT } from "./i18n";

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const t = useT();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const workspace = String(form.get("workspace") ?? "").trim();
      const session = await api<Session>("POST", "/auth/sign-in", {
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
        ...(workspace ? { workspace } : {}),
      });
      onSignedIn(session);
    } catch (err) {
      setError(t("signIn.failed", { message: err instanceof ApiError ? err.message : String(err) }));
    } finally {
      setBusy(false);
    }
  }
  return (
    <main>
      <Center mih="100vh" p="md">
        <Paper withBorder shadow="sm" p="xl" w="100%" maw={420}>
          <form onSubmit={submit} aria-labelledby="sign-in-title">
            <Stack>
              <Title order={1} size="h2" id="sign-in-title">
                {t("signIn.title")}
              </Title>
              {error && (
                <Alert color="red" role="alert">
                  {error}
                </Alert>
              )}
              <TextInput name="email" type="email" label={t("signIn.email")} autoComplete="username" required autoFocus />
              <PasswordInput name="password" label={t("signIn.password")} autoComplete="current-password" required />
              <TextInput name="workspace" label={t("signIn.workspace")} autoComplete="organization" />
              <Button type="submit" loading={busy}>
                {t("signIn.submit")}
              </Button>
            </Stack>
          </form>
        </Paper>
      </Center>
    </main>
  );
}
