import { Alert, Stack } from "@mantine/core";
import { createContext, useCallback, useContext, useState } from "react";

interface Toast {
  id: number;
  text: string;
  color: string;
}
const ToastContext = createContext<(text: string, color?: string) => void>(() => undefined);
export const useToast = () => useContext(ToastContext);

/** Short confirmations and notices, announced to screen readers. */
export function ToastProvider({ children }: { children: React.ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const show = useCallback((text: string, color = "teal") => {
    const id = Date.now() + Math.random();
    setToasts((list) => [...list.slice(-3), { id, text, color }]);
    window.setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), 6_000);
  }, []);
  return (
    <ToastContext.Provider value={show}>
      {children}
      <Stack
        role="status"
        aria-live="polite"
        gap="xs"
        style={{ position: "fixed", bottom: 16, right: 16, left: 16, zIndex: 1000, pointerEvents: "none", alignItems: "flex-end" }}
      >
        {toasts.map((t) => (
          // The darkest shade: white text on Mantine's default filled teal fails WCAG contrast (3.9:1).
          <Alert
            key={t.id}
            color={t.color.includes(".") ? t.color : `${t.color}.9`}
            variant="filled"
            maw={420}
            style={{ pointerEvents: "auto" }}
          >
            {t.text}
          </Alert>
        ))}
      </Stack>
    </ToastContext.Provider>
  );
}
