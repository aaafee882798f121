import { Link } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { Alert, Empty, List, Spin, Tag } from "antd";
import { tr } from "../../strings/trainings.ts";
import { formatTime, trainingsApi } from "./queries.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

const linkOf = (kind: string, id: string) =>
  kind === "training" ? `/trainings/${id}` : kind === "forum" ? `/forums/${id}` : `/qa/events/${id}`;

/** One calendar of what concerns the person: trainings, forums and 老书记论坛 events, a week back to three months ahead. */
export default function CalendarPage() {
  useDocumentTitle(shell.titles.calendar);
  const from = new Date(Date.now() - 7 * 86_400_000);
  from.setHours(0, 0, 0, 0);
  const to = new Date(from.getTime() + 100 * 86_400_000);
  const items = useQuery({
    queryKey: ["calendar", from.toISOString()],
    queryFn: ({ signal }) => trainingsApi.calendar(from.toISOString(), to.toISOString(), signal),
  });
  return (
    <div className="page page-narrow">
      <div className="page-header">
        <h1 className="page-title">{tr.calendar}</h1>
        <Link to="/trainings">{tr.plan}</Link>
      </div>
      {items.isPending ? (
        <Spin />
      ) : items.isError ? (
        <Alert type="error" showIcon message={tr.loadFailed} />
      ) : items.data.items.length === 0 ? (
        <Empty description={tr.calendarPage.empty} />
      ) : (
        <List
          dataSource={items.data.items}
          renderItem={(item) => (
            <List.Item>
              <List.Item.Meta
                title={<Link to={linkOf(item.kind, item.id)}>{item.title}</Link>}
                description={
                  <>
                    <Tag>{tr.calendarPage.kinds[item.kind]}</Tag>
                    {item.type && <Tag>{item.type}</Tag>}
                    {formatTime(item.startsAt)}
                    {item.place ? ` · ${item.place}` : ""}
                    {item.hours !== null ? ` · ${tr.hours(item.hours)}` : ""}
                  </>
                }
              />
            </List.Item>
          )}
        />
      )}
    </div>
  );
}
