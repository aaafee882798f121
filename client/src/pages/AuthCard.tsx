import type { ReactNode } from "react";
import { shell } from "../strings/shell.ts";

/** The centered card of the sign-in and registration pages. */
export function AuthCard({ title, subtitle, children }: { title: string; subtitle: string; children: ReactNode }) {
  return (
    <main className="auth-page">
      <div className="auth-brand">
        <span className="brand-mark brand-mark-large" aria-hidden="true">
          协
        </span>
        <div>
          <div className="auth-product">{shell.productName}</div>
          <div className="muted">{shell.districtName}</div>
        </div>
      </div>
      {/* a plain box, not antd's Card: Card brings Tabs and a menu along, ~20 KB the sign-in page never shows */}
      <section className="auth-card">
        <h1 className="auth-title">{title}</h1>
        <p className="muted auth-subtitle">{subtitle}</p>
        {children}
      </section>
    </main>
  );
}
