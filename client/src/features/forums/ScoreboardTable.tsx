import { Table } from "antd";
import { SCORE_ITEMS } from "../../../../shared/vocabulary.ts";
import type { Scoreboard } from "../../../../shared/forums.ts";
import { forums as t } from "../../strings/forums.ts";
import { ITEM_LABELS, ScoreboardTotal } from "./parts.tsx";

/** The archive's scoreboard: every group's means side by side with the weighted result, as a table. */
export function ScoreboardTable({ board }: { board: Scoreboard }) {
  const rows = SCORE_ITEMS.map((item) => ({
    key: item,
    item: ITEM_LABELS[item],
    ...Object.fromEntries(board.groups.map((g) => [g.group, g.means ? g.means[item].toFixed(2) : "—"])),
    weighted: board.weighted ? board.weighted[item].toFixed(2) : "—",
  }));
  return (
    <div className="scoreboard" data-testid="scoreboard">
      <ScoreboardTotal board={board} />
      <Table
        size="small"
        pagination={false}
        scroll={{ x: true }}
        dataSource={rows}
        columns={[
          { title: "", dataIndex: "item" },
          ...board.groups.map((g) => ({
            title: `${g.name ?? g.group}（${t.score.weight} ${g.weight} · ${t.score.ballots(g.ballots)}）`,
            dataIndex: g.group,
          })),
          { title: t.score.total.replace("总分", ""), dataIndex: "weighted" },
        ]}
      />
    </div>
  );
}
