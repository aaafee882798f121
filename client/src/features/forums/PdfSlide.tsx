import { useEffect, useRef, useState } from "react";
import { Spin } from "antd";
import * as pdfjs from "pdfjs-dist";
import type { PDFDocumentProxy, RenderTask } from "pdfjs-dist";
import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";
import { forums as t } from "../../strings/forums.ts";

pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;

/** One loaded document per deck URL (the URL changes with every upload), shared by every view. */
const documents = new Map<string, Promise<PDFDocumentProxy>>();
function loadDeck(url: string): Promise<PDFDocumentProxy> {
  let doc = documents.get(url);
  if (!doc) {
    // ranges only: the server answers Range requests, so pdf.js fetches what each page needs;
    // isEvalSupported: false keeps pdf.js from probing `new Function`, which our CSP forbids
    doc = pdfjs.getDocument({
      url,
      withCredentials: true,
      disableAutoFetch: true,
      disableStream: true,
      rangeChunkSize: 256 * 1024,
      isEvalSupported: false,
    }).promise;
    doc.catch(() => documents.delete(url));
    documents.set(url, doc);
  }
  return doc;
}

/**
 * Renders one page of a deck into a canvas that fits its box. Pages are fetched and drawn only when
 * shown (pdf.js requests the byte ranges it needs), so a 50 MB deck does not stall a phone.
 */
export function PdfSlide({
  url,
  page,
  onPageCount,
  label,
}: {
  url: string;
  page: number;
  onPageCount?: (n: number) => void;
  label?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [state, setState] = useState<"loading" | "ready" | "error">("loading");

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry!.contentRect.width)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (!width || !canvas.current) return;
    let cancelled = false;
    let task: RenderTask | null = null;
    setState((s) => (s === "ready" ? s : "loading"));
    (async () => {
      try {
        const doc = await loadDeck(url);
        if (cancelled) return;
        onPageCount?.(doc.numPages);
        const pdfPage = await doc.getPage(Math.min(Math.max(1, page), doc.numPages));
        if (cancelled) return;
        const base = pdfPage.getViewport({ scale: 1 });
        const height = box.current?.clientHeight || Infinity;
        const scale = Math.min(width / base.width, height / base.height);
        const ratio = window.devicePixelRatio || 1;
        const viewport = pdfPage.getViewport({ scale: scale * ratio });
        const el = canvas.current!;
        el.width = Math.floor(viewport.width);
        el.height = Math.floor(viewport.height);
        el.style.width = `${Math.floor(viewport.width / ratio)}px`;
        el.style.height = `${Math.floor(viewport.height / ratio)}px`;
        task = pdfPage.render({ canvas: el, viewport });
        await task.promise;
        if (!cancelled) setState("ready");
      } catch (err) {
        if (!cancelled && (err as { name?: string }).name !== "RenderingCancelledException") setState("error");
      }
    })();
    return () => {
      cancelled = true;
      task?.cancel();
    };
  }, [url, page, width, onPageCount]);

  return (
    <div ref={box} className="pdf-slide" data-testid="pdf-slide" data-page={page} data-state={state}>
      <canvas ref={canvas} role="img" aria-label={label ?? `第 ${page} 页`} />
      {state === "loading" && (
        <div className="pdf-slide-overlay" role="status">
          <Spin />
          <span className="visually-hidden">{t.room.loadingSlide}</span>
        </div>
      )}
      {state === "error" && <div className="pdf-slide-overlay">{t.room.slideError}</div>}
    </div>
  );
}
