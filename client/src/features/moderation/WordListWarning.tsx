import { Alert, Button } from "antd";
import { Link } from "react-router";
import { useCurrentUser } from "../../auth.tsx";
import { moderation as t } from "../../strings/moderation.ts";
import { useWordList } from "./useWords.ts";

/** On an organiser's home: a plain warning while the sensitive-word list is empty. */
export function WordListWarning() {
  const user = useCurrentUser();
  const organiser = user.roles.some((role) => role === "admin" || role === "organiser");
  const words = useWordList(organiser);
  if (!organiser || words.data?.length !== 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      message={t.emptyWarning}
      action={
        <Link to="/admin/words">
          <Button size="small">{t.emptyAction}</Button>
        </Link>
      }
    />
  );
}
