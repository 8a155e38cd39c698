// The signed-in console: loads the picture, keeps it fresh (the event
// stream, and a poll in case it is down), runs the actions the panels ask
// for and lays out the page.

import { Api } from "./api";
import { followEvents } from "./events";
import { identify } from "./identity";
import { createMap, type MapView } from "./map/mapview";
import { type ConsoleState, type Selection, Store } from "./store";
import { t } from "./i18n";
import { h } from "./ui/dom";
import { detailsPanel } from "./ui/details";
import { headerBar } from "./ui/header";
import { sidePanel } from "./ui/side";
import { timelinePanel } from "./ui/timeline";

/** What every panel may use. */
export interface Context {
  api: Api;
  store: Store;
  map: MapView;
  /** Reloads the picture (live, or as of the chosen moment). */
  refresh(): Promise<void>;
  /**
   * Runs an action that resolves with what to tell; tells it, or the
   * server's refusal; refreshes. Resolves whether it worked.
   */
  run(action: () => Promise<string>): Promise<boolean>;
  select(selection: Selection | null): void;
  signOut(): void;
  /** Aborted at sign-out: what a panel listens to outside itself goes with it. */
  signal: AbortSignal;
}

const POLL_MS = 15_000;
/** How long after an event the picture is reloaded, so that a burst of events makes one reload. */
const EVENT_RELOAD_MS = 150;

/** Checks the token and loads the first picture; throws if the token is refused. */
export async function start(token: string, root: HTMLElement, signOut: () => void): Promise<void> {
  const api = new Api(token);
  const identity = await identify(api);
  const [live, incidents, standing] = await Promise.all([api.state(), api.incidents(), api.standing()]);
  const initial: ConsoleState = {
    identity,
    view: live,
    live,
    incidents,
    asOf: null,
    aheadHours: 24,
    selected: null,
    events: [],
    standing,
    streaming: false,
    error: null,
    notice: null,
  };
  const store = new Store(initial);
  const mapElement = h("div", { class: "map", id: "map", role: "application", "aria-label": t("app.map") });
  const side = h("aside", { class: "side", "aria-label": t("app.panels") });
  const mapArea = h("div", { class: "map-area" }, mapElement);
  const mapPane = h("section", { class: "map-pane", "data-past": t("header.past_banner") }, mapArea);
  const main = h("main", { class: "workspace" }, mapPane, side);
  const header = h("header", { class: "bar" });
  root.replaceChildren(header, main);

  const stop = new AbortController();
  let generation = 0;
  const context: Context = {
    api,
    store,
    map: createMap(mapElement, store, api),
    refresh() {
      const mine = ++generation;
      return load(api, store, () => mine === generation);
    },
    async run(action) {
      store.update({ error: null, notice: null });
      try {
        store.update({ notice: await action() });
        await context.refresh();
        return true;
      } catch (error) {
        store.update({ error: error instanceof Error ? error.message : String(error) });
        return false;
      }
    },
    select(selection) {
      store.update({ selected: selection });
      if (selection) context.map.layers.focus(selection);
    },
    signOut() {
      stop.abort();
      signOut();
    },
    signal: stop.signal,
  };
  headerBar(header, context);
  side.append(detailsPanel(context), sidePanel(context));
  mapPane.append(timelinePanel(context));
  const poll = window.setInterval(() => void context.refresh(), POLL_MS);
  stop.signal.addEventListener("abort", () => window.clearInterval(poll));
  // The events of one log entry come together: one reload for them all.
  let reload: number | null = null;
  const changed = (): void => {
    reload ??= window.setTimeout(() => {
      reload = null;
      void context.refresh();
    }, EVENT_RELOAD_MS);
  };
  void followEvents(api, store, changed, stop.signal);
}

/**
 * The live picture, the incidents, what stands, and the past picture when a moment is chosen;
 * kept only while `latest()` says no later load was asked for.
 */
async function load(api: Api, store: Store, latest: () => boolean): Promise<void> {
  try {
    const asOf = store.state.asOf;
    const [live, incidents, standing, past] = await Promise.all([
      api.state(),
      api.incidents(),
      api.standing(),
      asOf ? api.state(asOf) : Promise.resolve(null),
    ]);
    if (!latest()) return;
    store.update({ live, view: past ?? live, incidents, standing });
  } catch (error) {
    if (latest()) store.update({ error: error instanceof Error ? error.message : String(error) });
  }
}
