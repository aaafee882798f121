import { Link } from "react-router";
import { Card, Tag } from "antd";
import { ArrowRightOutlined, RiseOutlined } from "@ant-design/icons";
import { LEVEL_LABELS, ROLE_LABELS } from "../../../shared/vocabulary.ts";
import { useCurrentUser } from "../auth.tsx";
import { AREAS } from "../areas.tsx";
import { useCommunityIndex } from "../org.ts";
import { growth } from "../strings/growth.ts";
import { shell } from "../strings/shell.ts";
import { WordListWarning } from "../features/moderation/WordListWarning.tsx";
import { HomeActivity } from "./HomeActivity.tsx";
import { useDocumentTitle } from "../documentTitle.ts";

export function HomePage() {
  useDocumentTitle(shell.titles.home);
  const user = useCurrentUser();
  const communities = useCommunityIndex();
  const community = user.communityId ? communities.get(user.communityId) : undefined;
  const h = shell.home;

  return (
    <div className="page home">
      <WordListWarning />
      <Card className="home-welcome">
        <h1 className="home-greeting" data-testid="home-greeting">
          {h.greeting(user.displayName)}
        </h1>
        <dl className="home-facts">
          <div>
            <dt>{h.role}</dt>
            <dd>
              <Tag color="blue" data-testid="home-role">
                {ROLE_LABELS[user.role]}
              </Tag>
              {user.partyMember && <Tag color="red">{h.partyMember}</Tag>}
            </dd>
          </div>
          <div>
            <dt>{h.level}</dt>
            <dd data-testid="home-level">{LEVEL_LABELS[user.level]}</dd>
          </div>
          <div>
            <dt>{h.community}</dt>
            <dd>
              {community ? `${community.streetName} · ${community.name}` : user.communityId ? "…" : h.noCommunity}
            </dd>
          </div>
        </dl>
        <Link to={`/people/${user.id}/record`} className="home-record-link">
          <RiseOutlined aria-hidden="true" /> {growth.nav}
        </Link>
      </Card>

      <h2 className="section-title">{h.areasTitle}</h2>
      <ul className="area-grid" aria-label={h.areasTitle}>
        {AREAS.map((area) => (
          <li key={area.key}>
            <Link to={area.path} className={`area-card area-${area.key}`}>
              <span className="area-icon" aria-hidden="true">
                {area.icon}
              </span>
              <span className="area-body">
                <span className="area-title">{area.title}</span>
                <span className="area-description">{area.description}</span>
              </span>
              <ArrowRightOutlined className="area-arrow" aria-hidden="true" />
            </Link>
          </li>
        ))}
      </ul>

      <HomeActivity />
    </div>
  );
}
