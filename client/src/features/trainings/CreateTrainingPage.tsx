import { useNavigate } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, App as AntApp, Button, Card, DatePicker, Form, Input, InputNumber, Select } from "antd";
import type { Dayjs } from "dayjs";
import { CAPABILITIES, CAPABILITY_LABELS, FLAG_LABELS, FLAGS, ROLE_LABELS, ROLES } from "../../../../shared/enums.ts";
import {
  TRAINING_LEVEL_LABELS,
  TRAINING_LEVELS,
  TRAINING_TYPES,
  type CreateTraining,
} from "../../../../shared/trainings.ts";
import { useCurrentUser } from "../../auth.tsx";
import { useOrg } from "../../org.ts";
import { tr } from "../../strings/trainings.ts";
import { isOrganiser } from "./access.ts";
import { trainingsApi } from "./queries.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";
import { errorText, useAction } from "../../useAction.ts";

type FormValues = Omit<CreateTraining, "startsAt" | "endsAt" | "audience"> & {
  time: [Dayjs, Dayjs];
  audienceRoles?: CreateTraining["audience"]["roles"];
  audienceFlags?: CreateTraining["audience"]["flags"];
  audienceStreets?: string[];
  audienceCommunities?: string[];
};

/** Organisers create any training; a street admin their street's (the server decides). */
export default function CreateTrainingPage() {
  useDocumentTitle(shell.titles.trainingNew);
  const user = useCurrentUser();
  const organiser = isOrganiser(user);
  const { data: streets = [] } = useOrg();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<FormValues>();
  const level = Form.useWatch("level", form);
  const type = Form.useWatch("type", form);
  const streetId = Form.useWatch("streetId", form);
  const f = tr.form;

  const ownStreets = organiser ? streets : streets.filter((s) => s.id === user.streetId);
  const communities = ownStreets.filter((s) => !streetId || s.id === streetId).flatMap((s) => s.communities);

  const create = useAction({
    mutationFn: (v: FormValues) =>
      trainingsApi.create({
        title: v.title,
        theme: v.theme ?? "",
        level: v.level,
        type: v.type,
        startsAt: v.time[0].toISOString(),
        endsAt: v.time[1].toISOString(),
        place: v.place ?? "",
        hours: v.hours,
        capabilities: v.capabilities ?? [],
        streetId: v.level === "district" ? null : (v.streetId ?? null),
        communityId: v.level === "community" ? (v.communityId ?? null) : null,
        repeatMonthly: v.type === "社工加油站" ? (v.repeatMonthly ?? 1) : 1,
        audience: {
          roles: v.audienceRoles ?? [],
          flags: v.audienceFlags ?? [],
          streets: v.audienceStreets ?? [],
          communities: v.audienceCommunities ?? [],
        },
      }),
    onSuccess: (res) => {
      void queryClient.invalidateQueries({ queryKey: ["trainings"] });
      void message.success(f.created(res.trainings.length));
      navigate(`/trainings/${res.training.id}`);
    },
    // the failure stays above the form (below) until the next try, not in a passing toast
    onError: () => {},
  });

  return (
    <div className="page page-narrow">
      <h1 className="page-title">{tr.create}</h1>
      <Card>
        {create.error && (
          <Alert type="error" showIcon message={errorText(create.error, tr.loadFailed)} className="stack-gap" />
        )}
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) => create.mutate(v)}
          disabled={create.isPending}
          initialValues={{
            level: organiser ? "district" : "street",
            type: "专题培训班",
            hours: 4,
            repeatMonthly: 1,
            streetId: organiser ? undefined : user.streetId,
          }}
        >
          <Form.Item
            name="title"
            label={f.title}
            rules={[{ required: true, whitespace: true, message: f.titleRequired }]}
          >
            <Input maxLength={120} />
          </Form.Item>
          <Form.Item name="theme" label={f.theme}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="level" label={f.level} rules={[{ required: true }]}>
            <Select
              aria-label={f.level}
              options={TRAINING_LEVELS.filter((l) => organiser || l !== "district").map((l) => ({
                value: l,
                label: TRAINING_LEVEL_LABELS[l],
              }))}
            />
          </Form.Item>
          {level && level !== "district" && (
            <Form.Item name="streetId" label={f.street} rules={[{ required: true, message: f.street }]}>
              <Select aria-label={f.street} options={ownStreets.map((s) => ({ value: s.id, label: s.name }))} />
            </Form.Item>
          )}
          {level === "community" && (
            <Form.Item name="communityId" label={f.community} rules={[{ required: true, message: f.community }]}>
              <Select aria-label={f.community} options={communities.map((c) => ({ value: c.id, label: c.name }))} />
            </Form.Item>
          )}
          <Form.Item name="type" label={f.type} rules={[{ required: true }]}>
            <Select aria-label={f.type} options={TRAINING_TYPES.map((t) => ({ value: t, label: t }))} />
          </Form.Item>
          <Form.Item name="time" label={f.time} rules={[{ required: true, message: f.timeRequired }]}>
            <DatePicker.RangePicker
              showTime={{ format: "HH:mm" }}
              format="YYYY-MM-DD HH:mm"
              style={{ width: "100%" }}
            />
          </Form.Item>
          <Form.Item name="place" label={f.place}>
            <Input maxLength={120} />
          </Form.Item>
          <Form.Item name="hours" label={f.hours} rules={[{ required: true, message: f.hoursRequired }]}>
            <InputNumber aria-label={f.hours} min={0} max={200} step={0.5} />
          </Form.Item>
          <Form.Item name="capabilities" label={f.capabilities}>
            <Select mode="multiple" options={CAPABILITIES.map((c) => ({ value: c, label: CAPABILITY_LABELS[c] }))} />
          </Form.Item>
          <Form.Item name="audienceRoles" label={f.audienceRoles}>
            <Select
              mode="multiple"
              placeholder={tr.anyone}
              options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
            />
          </Form.Item>
          <Form.Item name="audienceFlags" label={f.audienceFlags}>
            <Select
              mode="multiple"
              placeholder={tr.anyone}
              options={FLAGS.map((x) => ({ value: x, label: FLAG_LABELS[x] }))}
            />
          </Form.Item>
          <Form.Item name="audienceStreets" label={f.audienceStreets}>
            <Select
              mode="multiple"
              placeholder={tr.anyone}
              options={streets.map((s) => ({ value: s.id, label: s.name }))}
            />
          </Form.Item>
          <Form.Item name="audienceCommunities" label={f.audienceCommunities}>
            <Select
              mode="multiple"
              placeholder={tr.anyone}
              optionFilterProp="label"
              options={streets.flatMap((s) => s.communities.map((c) => ({ value: c.id, label: c.name })))}
            />
          </Form.Item>
          {type === "社工加油站" && (
            <Form.Item name="repeatMonthly" label={f.repeat} extra={f.repeatHint}>
              <InputNumber min={1} max={12} />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" loading={create.isPending}>
            {f.submit}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
