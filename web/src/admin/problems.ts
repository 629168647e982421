import { useState } from "react";
import { ApiError, patch, post } from "../api";
import { useToast } from "../toasts";

interface FieldProblem {
  path: string;
  message: string;
}

/**
 * The API's problem+json, split by field: service errors name paths in the
 * body (`hours.0.end`), schema errors prefix them with `body.` — both land
 * next to the field they are about. What no field claims goes in the alert.
 */
export class Problems {
  readonly fields: FieldProblem[];
  constructor(readonly error: unknown) {
    const list = error instanceof ApiError ? ((error.details.errors as FieldProblem[] | undefined) ?? []) : [];
    this.fields = list.map((p) => ({ ...p, path: p.path.replace(/^body\.?/, "") }));
  }
  /** The message(s) for exactly this path. */
  at(path: string): string | undefined {
    const hits = this.fields.filter((p) => p.path === path).map((p) => p.message);
    return hits.length ? hits.join("; ") : undefined;
  }
  /** The message(s) for this path and everything under it. */
  under(path: string): string | undefined {
    const hits = this.fields.filter((p) => p.path === path || p.path.startsWith(`${path}.`)).map((p) => p.message);
    return hits.length ? hits.join("; ") : undefined;
  }
  /** Problems no field of the form shows (`placed` recognises the paths the form has fields for). */
  unplaced(placed: RegExp[]): FieldProblem[] {
    return this.fields.filter((p) => !placed.some((re) => re.test(p.path)));
  }
  get message(): string | null {
    if (!this.error) return null;
    return this.error instanceof ApiError ? this.error.message : String(this.error);
  }
  get code(): string | null {
    return this.error instanceof ApiError ? this.error.code : null;
  }
}

export const NO_PROBLEMS = new Problems(null);

/** Runs a save; on failure keeps the problems for the form to show. */
export function useSubmit<T>(save: () => Promise<T>, onDone: (result: T) => void) {
  const [problems, setProblems] = useState(NO_PROBLEMS);
  const [busy, setBusy] = useState(false);
  async function submit(event?: React.FormEvent) {
    event?.preventDefault();
    setBusy(true);
    try {
      const result = await save();
      setProblems(NO_PROBLEMS);
      onDone(result);
    } catch (err) {
      setProblems(new Problems(err));
    } finally {
      setBusy(false);
    }
  }
  return { problems, busy, submit };
}

/**
 * Saves an editor's item: PATCH `${path}/${id}` when it exists, POST `path`
 * (with `createExtra`, e.g. a rule's kind) when new; then says so and closes.
 */
export function useSaveItem<T>(options: {
  path: string;
  existing: { id: string } | null;
  body: Record<string, unknown>;
  createExtra?: Record<string, unknown>;
  onDone(): void;
  savedMessage(saved: T): string;
}) {
  const toast = useToast();
  const { path, existing, body } = options;
  return useSubmit(
    () => (existing ? patch<T>(`${path}/${existing.id}`, body) : post<T>(path, { ...options.createExtra, ...body })),
    (saved) => {
      toast(options.savedMessage(saved));
      options.onDone();
    },
  );
}
