import { Component, type ReactNode, Suspense } from "react";
import { shell } from "../strings/shell.ts";

interface Props {
  children: ReactNode;
  /** shown while the part's code loads */
  loading: ReactNode;
  /** shown when its code could not be fetched; the default offers a reload */
  failed?: ReactNode;
  /** a new value (the route's path) gives a part that failed another try */
  resetKey?: string;
}

/**
 * A lazily loaded part of the page. Its code is fetched only when first shown, so the server may
 * be gone by then (a restart, a dropped network): the part then shows `failed` instead of taking
 * the whole page down with it — React unmounts everything when a lazy import rejects unguarded.
 */
export class LoadGuard extends Component<Props, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  componentDidUpdate(previous: Props): void {
    if (this.state.failed && previous.resetKey !== this.props.resetKey) this.setState({ failed: false });
  }

  render(): ReactNode {
    if (this.state.failed) return this.props.failed === undefined ? <LoadFailed /> : this.props.failed;
    return <Suspense fallback={this.props.loading}>{this.props.children}</Suspense>;
  }
}

function LoadFailed() {
  return (
    <div className="page-center" role="alert">
      <p>{shell.loadGuard.failed}</p>
      {/* a plain button: this sits in the entry chunk, which every cold load pays for */}
      <button type="button" className="load-guard-reload" onClick={() => window.location.reload()}>
        {shell.loadGuard.reload}
      </button>
    </div>
  );
}
