import type { ReactNode } from "react";
import { Card } from "antd";
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
      <Card className="auth-card">
        <h1 className="auth-title">{title}</h1>
        <p className="muted auth-subtitle">{subtitle}</p>
        {children}
      </Card>
    </main>
  );
}
