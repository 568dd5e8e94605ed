// "Are you sure?" for an action that cannot be undone (revoke a key, deactivate a user): the
// consequence in words, the problem the API answered if it refused, and a danger button.
import type { ReactNode } from "react";
import { describeError } from "../api/problem.ts";
import { useAction } from "../lib/use-action.ts";
import { Dialog } from "./dialog.tsx";

export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busyLabel: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const action = useAction();
  return (
    <Dialog open={props.open} title={props.title} onClose={props.onClose}>
      {props.children}
      {action.problem ? <p className="form-error" role="alert">{describeError(action.problem)}</p> : null}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={props.onClose}>Cancel</button>
        <button type="button" className="btn btn-danger" onClick={() => action.run(props.onConfirm)} disabled={action.busy}>
          {action.busy ? props.busyLabel : props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
