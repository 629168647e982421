import { Center, Loader } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { ApiError, type Session, get, setCsrfToken } from "./api";
import { I18nProvider, useMakeI18n } from "./i18n";
import { navigate, useLocation } from "./router";
import { SignIn } from "./SignIn";
import { Workspace } from "./Workspace";

export function App() {
  const session = useQuery({
    queryKey: ["session"],
    queryFn: async () => {
      try {
        const s = await get<Session>("/auth/session");
        setCsrfToken(s.csrfToken);
        return s;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: Infinity,
  });
  const queryClient = useQueryClient();
  const { path } = useLocation();
  const agent = session.data?.agent;
  const i18n = useMakeI18n(
    agent?.locale ?? navigator.language.slice(0, 2),
    agent?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
  );

  useEffect(() => {
    document.documentElement.lang = i18n.locale;
  }, [i18n.locale]);
  useEffect(() => {
    if (session.data === null && path !== "/sign-in")
      navigate(`/sign-in${path === "/" ? "" : `?next=${encodeURIComponent(path)}`}`, { replace: true });
    if (session.data && path === "/sign-in") navigate(new URLSearchParams(location.search).get("next") ?? "/", { replace: true });
  }, [session.data, path]);

  if (session.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  return (
    <I18nProvider value={i18n}>
      {session.data ? (
        <Workspace session={session.data} onSignedOut={() => queryClient.setQueryData(["session"], null)} />
      ) : (
        <SignIn
          onSignedIn={(s) => {
            setCsrfToken(s.csrfToken);
            queryClient.setQueryData(["session"], s);
          }}
        />
      )}
    </I18nProvider>
  );
}
