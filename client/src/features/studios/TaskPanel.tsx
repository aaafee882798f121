import { Button, DatePicker, Empty, Form, Input, Select, Space, Tag } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { CAPABILITIES, CAPABILITY_LABELS, type Capability } from "../../../../shared/vocabulary.ts";
import { LIMITS } from "../../../../shared/limits.ts";
import { TASK_STATE_LABELS, type StudioTask, type TaskState } from "../../../../shared/studios.ts";
import { studioStrings as t } from "../../strings/studios.ts";
import { dateTime } from "./format.ts";
import { useAction } from "../../useAction.ts";

const STATE_COLORS: Record<TaskState, string> = { assigned: "default", received: "processing", done: "success" };

export function isOverdue(task: StudioTask, now = Date.now()) {
  return Date.parse(task.dueAt) < now && task.states.some((s) => s.state !== "done");
}

/** A task: title, due time (red when overdue), each mentee's state, and my 收到 / 已完成 buttons. */
export function TaskCard({
  task,
  meId,
  readOnly,
  onState,
  onError,
}: {
  task: StudioTask;
  meId: string;
  readOnly: boolean;
  onState(taskId: string, state: "received" | "done"): Promise<string | null>;
  onError(message: string): void;
}) {
  const mine = task.states.find((s) => s.userId === meId);
  const overdue = isOverdue(task);
  // the room answers with the failure's text (or null), which becomes this mutation's error
  const set = useAction({
    mutationFn: async (state: "received" | "done") => {
      const failure = await onState(task.id, state);
      if (failure) throw new Error(failure);
    },
    onError: (err) => onError(err.message),
  });
  const myOverdue = mine && mine.state !== "done" && Date.parse(task.dueAt) < Date.now();
  return (
    <div
      className={`studio-task ${myOverdue || (!mine && overdue) ? "studio-task-overdue" : ""}`}
      data-testid="studio-task"
    >
      <div className="studio-task-title">
        <Tag color="blue">{t.taskCard}</Tag>
        <strong>{task.title}</strong>
      </div>
      <div className="studio-task-meta">
        <span className={overdue ? "studio-overdue-text" : "studio-muted"}>{t.due(dateTime(task.dueAt))}</span>
        {overdue && <Tag color="error">{t.overdue}</Tag>}
        {task.capability && <Tag>{CAPABILITY_LABELS[task.capability]}</Tag>}
      </div>
      <ul className="studio-task-states" aria-label="学员进度">
        {task.states.map((s) => (
          <li key={s.userId}>
            <span>{s.displayName}</span>{" "}
            <Tag color={s.state !== "done" && Date.parse(task.dueAt) < Date.now() ? "error" : STATE_COLORS[s.state]}>
              {TASK_STATE_LABELS[s.state]}
            </Tag>
          </li>
        ))}
      </ul>
      {mine && !readOnly && mine.state !== "done" && (
        <Space>
          {mine.state === "assigned" && (
            <Button size="small" loading={set.isPending} onClick={() => set.mutate("received")}>
              {t.acknowledge}
            </Button>
          )}
          <Button size="small" type="primary" loading={set.isPending} onClick={() => set.mutate("done")}>
            {t.markDone}
          </Button>
        </Space>
      )}
    </div>
  );
}

export function TaskList(props: {
  tasks: StudioTask[];
  meId: string;
  readOnly: boolean;
  onState(taskId: string, state: "received" | "done"): Promise<string | null>;
  onError(message: string): void;
}) {
  if (props.tasks.length === 0) return <Empty description={t.noTasks} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  // overdue first, then by due time
  const sorted = [...props.tasks].sort(
    (a, b) => Number(isOverdue(b)) - Number(isOverdue(a)) || a.dueAt.localeCompare(b.dueAt),
  );
  return (
    <ul className="studio-task-list">
      {sorted.map((task) => (
        <li key={task.id}>
          <TaskCard task={task} {...props} />
        </li>
      ))}
    </ul>
  );
}

export function AssignTaskForm({
  onAssign,
}: {
  onAssign(input: { title: string; dueAt: string; capability?: Capability }): Promise<string | null>;
}) {
  const [form] = Form.useForm<{ title: string; dueAt: Dayjs; capability?: Capability }>();
  const assign = useAction({
    mutationFn: async (input: { title: string; dueAt: string; capability?: Capability }) => {
      const failure = await onAssign(input);
      if (failure) throw new Error(failure);
    },
    onSuccess: () => form.resetFields(),
    // the failure stays above the button (below) until the next try
    onError: () => {},
  });
  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={(values) =>
        assign.mutate({ title: values.title.trim(), dueAt: values.dueAt.toISOString(), capability: values.capability })
      }
      initialValues={{ dueAt: dayjs().add(7, "day").hour(18).minute(0).second(0) }}
    >
      {/* checked on leaving the field and on submit, not on every change: a change that lands
          just after the reset (an input method finishing its word) must not flag the empty form */}
      <Form.Item
        name="title"
        label={t.taskTitle}
        validateTrigger="onBlur"
        rules={[{ required: true, whitespace: true, message: t.taskTitleRequired }]}
      >
        <Input maxLength={LIMITS.titleMax} />
      </Form.Item>
      <Form.Item name="dueAt" label={t.taskDue} rules={[{ required: true, message: t.taskDueRequired }]}>
        <DatePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm" style={{ width: "100%" }} />
      </Form.Item>
      <Form.Item name="capability" label={t.taskCapability}>
        <Select allowClear options={CAPABILITIES.map((c) => ({ value: c, label: CAPABILITY_LABELS[c] }))} />
      </Form.Item>
      {assign.error && (
        <div className="studio-error" role="alert">
          {assign.error.message}
        </div>
      )}
      <Button type="primary" htmlType="submit" loading={assign.isPending} block>
        {t.assignTask}
      </Button>
    </Form>
  );
}
