// The live event stream (`GET /v1/events`, Server-Sent Events). EventSource
// cannot send an Authorization header, so the stream is read with fetch and
// parsed here. Each event is listed in the notifications panel and makes
// the console reload its picture and what stands for the party (alerts,
// escalations, stops: see `ui/notifications.ts`); a broken stream resumes from the last event seen
// (`Last-Event-ID`), so none is missed.

import { type Api, ApiError } from "./api";
import { t } from "./i18n";
import type { Store } from "./store";
import { EVENT_TYPES, type ServiceEvent } from "./types";

const KEPT = 50;
const RETRY_MS = [2_000, 5_000, 15_000, 30_000];

export async function followEvents(api: Api, store: Store, changed: () => void, stop: AbortSignal): Promise<void> {
  let lastId: string | null = null;
  for (let failures = 0; !stop.aborted; failures++) {
    try {
      const headers: Record<string, string> = { Accept: "text/event-stream" };
      if (lastId !== null) headers["Last-Event-ID"] = lastId;
      const response = await api.send("GET", "/v1/events", undefined, headers, stop);
      store.update({ streaming: true });
      failures = 0;
      for await (const message of messages(response, stop)) {
        if (message.id !== null) lastId = message.id;
        const event = parse(message);
        if (event) keep(store, event);
        changed();
      }
    } catch (error) {
      if (stop.aborted) return;
      // A revoked token: reconnecting would be refused again.
      if (error instanceof ApiError && error.problem.status === 401) {
        store.update({ streaming: false, error: t("stream.revoked") });
        return;
      }
    }
    store.update({ streaming: false });
    await sleep(RETRY_MS[Math.min(failures, RETRY_MS.length - 1)] ?? 30_000, stop);
  }
}

function keep(store: Store, event: ServiceEvent): void {
  store.update({ events: [event, ...store.state.events].slice(0, KEPT) });
}

interface Message {
  id: string | null;
  event: string;
  data: string;
}

/** The messages of an SSE body, per the WHATWG event-stream format. */
async function* messages(response: Response, stop: AbortSignal): AsyncGenerator<Message> {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  stop.addEventListener("abort", () => void reader.cancel());
  let buffer = "";
  let message: Message = { id: null, event: "message", data: "" };
  let hasData = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const lines = buffer.split(/\r\n|\r|\n/);
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      if (line === "") {
        if (hasData) yield { ...message, data: message.data.replace(/\n$/, "") };
        message = { id: message.id, event: "message", data: "" };
        hasData = false;
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (name === "data") {
        message.data += `${value}\n`;
        hasData = true;
      } else if (name === "event") message.event = value;
      else if (name === "id") message.id = value;
    }
  }
}

/** An event of a type the console knows, or null (it still reloads the picture). */
function parse(message: Message): ServiceEvent | null {
  try {
    const data = JSON.parse(message.data) as { type?: unknown; seq?: unknown; time?: unknown };
    const known = EVENT_TYPES.find((t) => t === data.type);
    if (!known || typeof data.seq !== "number" || typeof data.time !== "string") return null;
    return data as ServiceEvent;
  } catch {
    return null;
  }
}

function sleep(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    stop.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
