import {
  BoldOutlined,
  DeleteRowOutlined,
  InsertRowBelowOutlined,
  ItalicOutlined,
  OrderedListOutlined,
  UnorderedListOutlined,
} from "@ant-design/icons";
import { Extension, type Editor } from "@tiptap/core";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { TableKit } from "@tiptap/extension-table";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import { EditorContent, useEditor } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import {
  absolutePositionToRelativePosition,
  relativePositionToAbsolutePosition,
  ySyncPluginKey,
} from "@tiptap/y-tiptap";
import { Button, Space, Tooltip } from "antd";
import { useEffect } from "react";
import * as Y from "yjs";
import type { PmNode, ProposalComment } from "../../../../shared/proposals.ts";
import { t } from "../../strings/proposals.ts";
import { colorFor, fromBase64, type ProposalDoc, toBase64 } from "./collab.ts";

const highlightKey = new PluginKey<DecorationSet>("commentHighlights");

/** Highlights the text each open comment thread is anchored to. */
const CommentHighlights = Extension.create({
  name: "commentHighlights",
  addProseMirrorPlugins() {
    return [
      new Plugin<DecorationSet>({
        key: highlightKey,
        state: {
          init: () => DecorationSet.empty,
          apply(tr, set) {
            const ranges = tr.getMeta(highlightKey) as { from: number; to: number; id: string }[] | undefined;
            if (ranges) {
              return DecorationSet.create(
                tr.doc,
                ranges.map((r) =>
                  Decoration.inline(r.from, r.to, { class: "proposal-comment-anchor", "data-comment": r.id }),
                ),
              );
            }
            return set.map(tr.mapping, tr.doc);
          },
        },
        props: { decorations: (state) => highlightKey.getState(state) },
      }),
    ];
  },
});

export const baseExtensions = () => [
  StarterKit.configure({ undoRedo: false }),
  TableKit.configure({ table: { resizable: false } }),
];

export function useCollabEditor(
  pdoc: ProposalDoc | null,
  me: { id: string; displayName: string },
  editable: boolean,
  onChange: (json: PmNode) => void,
) {
  const editor = useEditor(
    {
      immediatelyRender: false,
      editable,
      extensions: pdoc
        ? [
            ...baseExtensions(),
            Collaboration.configure({ document: pdoc.doc, field: "default" }),
            CollaborationCaret.configure({
              provider: pdoc.provider,
              user: { name: me.displayName, color: colorFor(me.id) },
            }),
            CommentHighlights,
          ]
        : baseExtensions(),
      editorProps: {
        attributes: {
          "aria-label": t.editorLabel,
          class: "proposal-editor",
          role: "textbox",
          "aria-multiline": "true",
        },
        handleDOMEvents: {
          compositionstart: () => {
            pdoc?.composition.composed();
            return false;
          },
          compositionupdate: () => {
            pdoc?.composition.composed();
            return false;
          },
          // After ProseMirror has read the composed text. Leaving the editor ends a composition
          // whose compositionend never comes (some phone keyboards), so its text is not held.
          compositionend: () => {
            setTimeout(() => pdoc?.composition.end(), 0);
            return false;
          },
          blur: () => {
            if (pdoc?.composition.active) setTimeout(() => pdoc.composition.end(), 0);
            return false;
          },
        },
      },
      onCreate: ({ editor }) => onChange(editor.getJSON() as PmNode),
      onUpdate: ({ editor }) => onChange(editor.getJSON() as PmNode),
    },
    [pdoc],
  );
  useEffect(() => {
    if (editor && editor.isEditable !== editable) editor.setEditable(editable);
  }, [editor, editable]);
  return editor;
}

function binding(editor: Editor) {
  const state = ySyncPluginKey.getState(editor.state) as
    | { type: Y.XmlFragment; binding: { mapping: Map<never, never> } }
    | undefined;
  return state?.binding ? state : null;
}

/** The selection as Yjs relative positions (base64), with its text. */
export function selectionAnchor(editor: Editor): { anchor: { start: string; end: string }; quote: string } | null {
  const { from, to } = editor.state.selection;
  const y = binding(editor);
  if (from === to || !y) return null;
  // The start sticks to the first selected character and the end to the last one, so text typed
  // just before or just after the selection stays outside the thread's anchor.
  const enc = (pos: number, assoc: number) => {
    let rel = absolutePositionToRelativePosition(pos, y.type, y.binding.mapping as never) as Y.RelativePosition;
    const abs = y.type.doc ? Y.createAbsolutePositionFromRelativePosition(rel, y.type.doc) : null;
    if (abs && abs.type instanceof Y.XmlText) rel = Y.createRelativePositionFromTypeIndex(abs.type, abs.index, assoc);
    return toBase64(Y.encodeRelativePosition(rel));
  };
  return {
    anchor: { start: enc(from, 0), end: enc(to, -1) },
    quote: editor.state.doc.textBetween(from, to, " ").slice(0, 500),
  };
}

/** Where a comment's anchor is now, or null when its text is gone. */
export function resolveAnchor(
  editor: Editor,
  doc: Y.Doc,
  anchor: { start: string; end: string },
): { from: number; to: number } | null {
  const y = binding(editor);
  if (!y) return null;
  try {
    const abs = (b64: string) =>
      relativePositionToAbsolutePosition(
        doc,
        y.type,
        Y.decodeRelativePosition(fromBase64(b64)),
        y.binding.mapping as never,
      );
    const from = abs(anchor.start);
    const to = abs(anchor.end);
    if (from === null || to === null || to <= from) return null;
    return { from, to };
  } catch {
    return null;
  }
}

export function showCommentHighlights(editor: Editor, doc: Y.Doc, comments: ProposalComment[]) {
  const ranges = comments
    .filter((c) => !c.parentId && !c.resolved && c.anchor)
    .map((c) => ({ id: c.id, ...resolveAnchor(editor, doc, c.anchor!) }))
    .filter((r): r is { id: string; from: number; to: number } => r.from !== undefined);
  if (editor.isDestroyed) return;
  editor.view.dispatch(editor.state.tr.setMeta(highlightKey, ranges).setMeta("addToHistory", false));
}

export function Toolbar({ editor }: { editor: Editor }) {
  const btn = (label: string, icon: React.ReactNode, run: () => void, active = false, text?: string) => (
    <Tooltip title={label}>
      <Button
        size="small"
        type={active ? "primary" : "text"}
        aria-label={label}
        aria-pressed={active}
        icon={icon}
        onMouseDown={(e) => e.preventDefault()}
        onClick={run}
      >
        {text}
      </Button>
    </Tooltip>
  );
  const chain = () => editor.chain().focus();
  const inTable = editor.isActive("table");
  return (
    <Space wrap size={2} className="proposal-toolbar" role="toolbar" aria-label="格式">
      {btn(t.toolbar.bold, <BoldOutlined />, () => chain().toggleBold().run(), editor.isActive("bold"))}
      {btn(t.toolbar.italic, <ItalicOutlined />, () => chain().toggleItalic().run(), editor.isActive("italic"))}
      {btn(
        t.toolbar.h2,
        null,
        () => chain().toggleHeading({ level: 2 }).run(),
        editor.isActive("heading", { level: 2 }),
        "H2",
      )}
      {btn(
        t.toolbar.h3,
        null,
        () => chain().toggleHeading({ level: 3 }).run(),
        editor.isActive("heading", { level: 3 }),
        "H3",
      )}
      {btn(
        t.toolbar.bullet,
        <UnorderedListOutlined />,
        () => chain().toggleBulletList().run(),
        editor.isActive("bulletList"),
      )}
      {btn(
        t.toolbar.ordered,
        <OrderedListOutlined />,
        () => chain().toggleOrderedList().run(),
        editor.isActive("orderedList"),
      )}
      {inTable && btn(t.toolbar.addRow, <InsertRowBelowOutlined />, () => chain().addRowAfter().run())}
      {inTable && btn(t.toolbar.delRow, <DeleteRowOutlined />, () => chain().deleteRow().run())}
    </Space>
  );
}

/** A read-only rendering of stored content (a version). */
export function StaticDoc({ content }: { content: PmNode }) {
  const editor = useEditor(
    { immediatelyRender: false, editable: false, extensions: baseExtensions(), content: content as never },
    [content],
  );
  return <EditorContent editor={editor} className="proposal-editor-wrap proposal-static" />;
}

export { EditorContent };
