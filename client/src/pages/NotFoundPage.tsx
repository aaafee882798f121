import { Button, Result } from "antd";
import { useNavigate } from "react-router";
import { shell } from "../strings/shell.ts";

export function NotFoundPage() {
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title={<h1 className="result-title">{shell.notFound.title}</h1>}
      subTitle={shell.notFound.description}
      extra={
        <Button type="primary" onClick={() => navigate("/")}>
          {shell.backHome}
        </Button>
      }
    />
  );
}
