import { Button, Result } from "antd";
import { useNavigate } from "react-router";
import { shell } from "../strings/shell.ts";
import { useDocumentTitle } from "../documentTitle.ts";

export function NotFoundPage() {
  useDocumentTitle(shell.titles.notFound);
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
