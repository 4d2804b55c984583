// Small shared pieces: the error note (always the server's own message), a modal dialog on the
// native <dialog> element (focus trap and Escape for free), label chips, copy button, time.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api/client.ts';
import { formatTime, formatTimeFull } from '../lib/format.ts';

export function ErrorNote({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const e = error as Partial<ApiError> & { message?: string };
  const status = error instanceof ApiError && error.status ? `${error.status} ${error.code}` : null;
  const forbidden = error instanceof ApiError && error.status === 403;
  return (
    <div role="alert" className={`error-note${forbidden ? ' forbidden' : ''}`}>
      <strong>{title ?? (forbidden ? 'Not allowed' : 'Something went wrong')}</strong>
      {status && <span className="code"> ({status})</span>}
      <div>{e.message ?? String(error)}</div>
    </div>
  );
}

export function Dialog({
  open,
  title,
  onClose,
  children,
  wide,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={wide ? 'wide' : undefined}
      aria-labelledby="dialog-title"
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      {open && (
        <>
          <div className="dialog-head">
            <h2 id="dialog-title">{title}</h2>
            <button type="button" className="icon" aria-label="Close dialog" onClick={onClose}>
              ×
            </button>
          </div>
          <div className="dialog-body">{children}</div>
        </>
      )}
    </dialog>
  );
}

/**
 * A destructive action asked for once more: the question, the action's error if it failed (the
 * dialog stays open), Cancel and the danger button (disabled while the action runs).
 */
export function ConfirmDialog({
  open,
  title,
  onClose,
  children,
  confirmLabel,
  onConfirm,
  pending,
  error,
  errorTitle,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  pending?: boolean;
  error?: unknown;
  errorTitle?: string;
}) {
  return (
    <Dialog open={open} title={title} onClose={onClose}>
      {children}
      {error ? <ErrorNote error={error} title={errorTitle} /> : null}
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={onConfirm} disabled={pending}>
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

export function LabelChip({ name }: { name: string }) {
  return <span className={`chip${name === 'production' ? ' chip-prod' : ''}`}>{name}</span>;
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      aria-label={label}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(
          () => {
            setDone(true);
            setTimeout(() => setDone(false), 1500);
          },
          () => setDone(false),
        );
      }}
    >
      {done ? 'Copied' : 'Copy'}
    </button>
  );
}

/**
 * Every date the UI prints, in the user's zone: "2026-12-01 10:00" (`formatTime`), the full
 * timestamp — seconds and zone — on hover. `seconds` shows them (the request log, where requests a
 * few seconds apart are told apart by them).
 */
export function Time({ iso, seconds }: { iso: string | null; seconds?: boolean }) {
  if (!iso) return <span className="muted">—</span>;
  const d = new Date(iso);
  return (
    <time dateTime={iso} title={formatTimeFull(d)}>
      {formatTime(d, seconds)}
    </time>
  );
}

/** A JSON value shown as a readable block (only for free-form data). */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <pre className="json" aria-label={label} tabIndex={0}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
