import { Button, Empty } from "antd";
import { useNavigate } from "react-router";
import { shell } from "../strings/shell.ts";

/** Placeholder for an area whose feature is not built yet. */
export function ComingSoon({ area }: { area: string }) {
  const navigate = useNavigate();
  return (
    <section className="page coming-soon" aria-labelledby="coming-soon-title">
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={
          <>
            <h1 id="coming-soon-title" className="coming-soon-title">
              {shell.comingSoon(area)}
            </h1>
            <p className="muted">{shell.comingSoonHint}</p>
          </>
        }
      >
        <Button type="primary" onClick={() => navigate("/")}>
          {shell.backHome}
        </Button>
      </Empty>
    </section>
  );
}
