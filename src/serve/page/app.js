// The gazette search page. Everything shown that came from the index is put in the page as
// text (textContent, createTextNode), never as markup: titles, names and article text are
// untrusted. The URL holds the whole state, so pages can be bookmarked and Back works.
"use strict";

const PAGE_SIZE = 10;
// People, places and organisations shown per hit, of each; the article view lists them all.
const NAMES_SHOWN = 5;
const $ = (id) => document.getElementById(id);

// Timings of typed queries, from the keystroke to the rendered hits and to the rendered
// sidebar (read by tests).
window.gazetteTimings = [];
window.gazetteSidebarTimings = [];

function el(tag, props, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children || []) node.append(child);
  return node;
}

// ---- state <-> URL ----

function readState() {
  const p = new URLSearchParams(location.search);
  return {
    q: p.get("q") || "",
    f: p.getAll("f"),
    sort: p.get("sort") === "date" ? "date" : "relevance",
    page: Math.max(0, parseInt(p.get("page") || "0", 10) || 0),
    tl: p.get("tl") === "dates" ? "dates" : "published",
    a: p.get("a"),
  };
}

function stateUrl(s) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  for (const f of s.f) p.append("f", f);
  if (s.sort !== "relevance") p.set("sort", s.sort);
  if (s.page) p.set("page", String(s.page));
  if (s.tl !== "published") p.set("tl", s.tl);
  if (s.a) p.set("a", s.a);
  const query = p.toString();
  return query ? "?" + query : location.pathname;
}

function go(change, replace) {
  const next = Object.assign(readState(), change);
  const url = stateUrl(next);
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  return render(next);
}

window.addEventListener("popstate", () => render(readState()));

// ---- fetching ----

let inFlight = null;

async function api(path) {
  const response = await fetch(path, { signal: inFlight && inFlight.signal });
  const body = await response.json().catch((err) => {
    // A newer render aborted this one while its answer was being read.
    if (err.name === "AbortError") throw err;
    return { error: "unreadable answer" };
  });
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function fullQuery(s) {
  return [s.q.trim(), ...s.f].filter(Boolean).join(" ");
}

// ---- rendering ----

// The render under way and the URL of its state: typing a query and then pressing Enter asks
// for the same state twice, and the second waits for the first rather than asking again.
let rendering = null;

function render(s) {
  const key = stateUrl(s);
  if (rendering && rendering.key === key) return rendering.done;
  const done = renderNow(s);
  rendering = { key, done, started: performance.now() };
  done.finally(() => {
    if (rendering && rendering.done === done) rendering = null;
  });
  return done;
}

async function renderNow(s) {
  if (inFlight) inFlight.abort();
  inFlight = new AbortController();
  $("q").value = document.activeElement === $("q") ? $("q").value : s.q;
  $("sort").value = s.sort;
  renderChips(s);
  const inArticle = Boolean(s.a);
  $("list-view").hidden = inArticle;
  $("article-view").hidden = !inArticle;
  try {
    if (inArticle) await renderArticle(s);
    else await renderList(s);
  } catch (err) {
    if (err.name === "AbortError") return;
    showError(err.message);
  }
}

function showError(message) {
  const summary = $("summary");
  summary.textContent = "";
  summary.append(el("span", { class: "error", role: "alert", text: message }));
  $("hits").replaceChildren();
  $("pager").replaceChildren();
}

function renderChips(s) {
  const chips = s.f.map((filter, i) =>
    el("span", { class: "chip" }, [
      el("span", { text: filter }),
      el("button", {
        type: "button",
        class: "remove",
        "aria-label": "Remove filter " + filter,
        text: "\u00d7",
        onclick: () => go({ f: s.f.filter((_, j) => j !== i), page: 0 }),
      }),
    ]));
  $("chips").replaceChildren(...chips);
}

const NO_FACETS = { people: [], places: [], orgs: [], countries: [] };

// The sidebar of the list shown, once its counts have come.
let sidebar = Promise.resolve();

async function renderList(s) {
  const query = fullQuery(s);
  document.title = query ? query + " \u2014 gazette" : "gazette";
  if (!query) return renderStats();
  const params = new URLSearchParams({
    q: query,
    limit: String(PAGE_SIZE),
    offset: String(s.page * PAGE_SIZE),
    sort: s.sort,
  });
  const results = await api("/api/search?" + params);
  const summary = results.total === 1 ? "1 article" : results.total.toLocaleString() + " articles";
  const partial = results.matched === "partial" ? " (closest matches: not every word found)" : "";
  $("summary").textContent = summary + partial + " \u00b7 " + results.took_ms.toFixed(1) + " ms";
  renderHits(results.hits);
  renderPager(s, results.total);
  renderTimeline(s, results.timeline[s.tl]);
  // Counting the names of many matches takes longer than ranking them, so the hits come
  // first and the sidebar when its counts do; until then it shows no stale counts.
  renderFacets(s, NO_FACETS);
  $("sidebar").setAttribute("aria-busy", "true");
  sidebar = renderSidebar(s, params);
}

// The same page asked again with facets, so that they count the same articles: the closest
// matches join the hits when too few articles have every word for the page.
async function renderSidebar(s, params) {
  params.set("facets", "1");
  params.set("hits", "0");
  try {
    const counted = await api("/api/search?" + params);
    renderFacets(s, counted.facets || NO_FACETS);
  } catch (err) {
    if (err.name === "AbortError") return;
    $("sidebar").replaceChildren(el("p", { class: "error", role: "alert", text: err.message }));
  }
  $("sidebar").setAttribute("aria-busy", "false");
}

async function renderStats() {
  const stats = await api("/api/stats");
  $("summary").textContent = stats.docs.toLocaleString() + " articles in the archive";
  $("hits").replaceChildren();
  $("pager").replaceChildren();
  const s = readState();
  renderFacets(s, stats);
  $("sidebar").setAttribute("aria-busy", "false");
  sidebar = Promise.resolve();
  renderTimeline(Object.assign({}, s, { tl: "published" }), stats.timeline);
}

// Byte ranges from the server mark parts of a string; JavaScript strings count UTF-16 units,
// so the text is cut as UTF-8 bytes and each piece decoded.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function marked(text, ranges, markFor) {
  const bytes = encoder.encode(text);
  const out = [];
  let at = 0;
  for (const range of ranges) {
    if (range.start < at || range.end > bytes.length) continue;
    if (range.start > at) out.push(document.createTextNode(decoder.decode(bytes.slice(at, range.start))));
    out.push(markFor(decoder.decode(bytes.slice(range.start, range.end)), range));
    at = range.end;
  }
  out.push(document.createTextNode(decoder.decode(bytes.slice(at))));
  return out;
}

function articleLink(key, title) {
  const s = readState();
  const href = stateUrl(Object.assign({}, s, { a: key }));
  return el("a", {
    href,
    text: title || key,
    onclick: (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      go({ a: key });
    },
  });
}

function renderHits(hits) {
  const items = hits.map((hit) => {
    const snippet = marked(
      hit.snippet,
      hit.highlights.map(([start, end]) => ({ start, end })),
      (text) => el("b", { text }),
    );
    const shown = (names, kind) => names.slice(0, NAMES_SHOWN).map((n) => el("span", { class: kind, text: n }));
    const orgs = hit.orgs || [];
    const hidden = [hit.people, hit.places, orgs].reduce((n, names) => n + Math.max(0, names.length - NAMES_SHOWN), 0);
    const names = el("p", { class: "names-line" }, [
      ...shown(hit.people, "person"),
      ...shown(hit.places, "place"),
      ...shown(orgs, "org"),
      ...(hidden ? [el("span", { class: "more", text: "+" + hidden })] : []),
    ]);
    return el("li", { class: "hit" }, [
      el("h3", {}, [articleLink(hit.key, hit.title)]),
      el("p", { class: "meta" }, [
        el("span", { text: hit.published || "undated" }),
        " \u00b7 ",
        el("span", { class: "path", text: hit.path }),
      ]),
      names,
      el("p", { class: "snippet" }, snippet),
    ]);
  });
  $("hits").replaceChildren(...items);
}

function renderPager(s, total) {
  const pages = Math.ceil(total / PAGE_SIZE);
  const parts = [];
  if (s.page > 0) parts.push(el("button", { type: "button", text: "\u2190 Previous", onclick: () => go({ page: s.page - 1 }) }));
  if (pages > 1) parts.push(el("span", { text: "page " + (s.page + 1) + " of " + pages.toLocaleString() }));
  if (s.page + 1 < pages) parts.push(el("button", { type: "button", text: "Next \u2192", onclick: () => go({ page: s.page + 1 }) }));
  $("pager").replaceChildren(...parts);
}

function quoted(name) {
  return '"' + name.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
}

function renderFacets(s, facets) {
  const group = (title, field, items) => {
    if (!items || !items.length) return [];
    const buttons = items.map((item) => {
      const filter = field === "countries" ? "countries:" + item.name : field + ":" + quoted(item.name);
      const active = s.f.includes(filter);
      return el("li", {}, [
        el("button", {
          type: "button",
          class: "facet" + (active ? " active" : ""),
          "aria-pressed": String(active),
          "data-filter": filter,
          onclick: () => go({ f: active ? s.f.filter((f) => f !== filter) : s.f.concat([filter]), page: 0, a: null }),
        }, [el("span", { class: "facet-name", text: item.name }), el("span", { class: "count", text: String(item.count) })]),
      ]);
    });
    return [el("h2", { text: title }), el("ul", { class: "facets " + field }, buttons)];
  };
  $("sidebar").replaceChildren(
    ...group("People", "people", facets.people),
    ...group("Places", "places", facets.places),
    ...group("Organisations", "orgs", facets.orgs),
    ...group("Countries", "countries", facets.countries),
  );
}

function renderTimeline(s, timeline) {
  for (const field of ["published", "dates"]) {
    $("tl-" + field).setAttribute("aria-pressed", String(s.tl === field));
  }
  const box = $("timeline");
  box.onpointerdown = box.onpointermove = box.onpointerup = box.onkeydown = box.onclick = null;
  if (!timeline || !timeline.buckets.length) {
    brush = null;
    $("timeline-brush").textContent = "";
    box.replaceChildren();
    $("timeline-note").textContent = timeline && timeline.undated ? timeline.undated + " undated" : "";
    return;
  }
  const buckets = timeline.buckets;
  const most = Math.max(1, ...buckets.map((b) => b.count));
  const bars = buckets.map((bucket, i) => {
    const bar = el("button", {
      type: "button",
      class: "tl-bar",
      title: bucket.period + ": " + bucket.count,
      "aria-label": bucket.period + ": " + bucket.count,
      "data-period": bucket.period,
      "data-at": String(i),
    }, [el("span", { class: "fill" })]);
    bar.firstChild.style.height = Math.max(bucket.count ? 4 : 0, (100 * bucket.count) / most) + "%";
    // Empty bars take no click and no tab stop, but a drag may start or end on them.
    if (!bucket.count) {
      bar.setAttribute("aria-disabled", "true");
      bar.tabIndex = -1;
    }
    return bar;
  });
  // A bar that had the focus keeps it when the chart is drawn again.
  const focused = box.contains(document.activeElement) ? document.activeElement.dataset.period : null;
  box.replaceChildren(...bars);
  const refocus = bars.find((bar) => bar.dataset.period === focused);
  if (refocus) refocus.focus();
  brushing(s, box, bars, buckets);
  const first = buckets[0].period;
  const last = buckets[buckets.length - 1].period;
  const undated = timeline.undated ? " \u00b7 " + timeline.undated.toLocaleString() + " undated" : "";
  $("timeline-note").textContent = first + " \u2013 " + last + " by " + timeline.by + undated;
}

// Filters to the periods of bars `from` to `to`: one period as itself, several as a range.
function filterToPeriods(s, buckets, from, to) {
  const [a, b] = [Math.min(from, to), Math.max(from, to)];
  if (!buckets.slice(a, b + 1).some((bucket) => bucket.count)) return;
  const span = a === b ? buckets[a].period : "[" + buckets[a].period + " TO " + buckets[b].period + "]";
  const kept = s.f.filter((f) => !f.startsWith(s.tl + ":"));
  go({ f: kept.concat([s.tl + ":" + span]), page: 0 });
}

// The bars being brushed ({from, to, pointer}), kept across renders so that a drag goes on
// when the same chart is drawn again under it (a typed query answered twice).
let brush = null;

// Brushing: a click on a bar filters to its period; dragging across bars, or Shift with the
// arrow keys from a focused bar and then Enter, filters to the span they cover. Arrows alone
// move between bars and Escape drops the selection.
function brushing(s, box, bars, buckets) {
  const chart = [s.tl, buckets[0].period, buckets[buckets.length - 1].period].join(" ");
  if (brush && brush.chart !== chart) brush = null;
  const show = () => {
    for (const [i, bar] of bars.entries()) {
      const inside = brush !== null && i >= Math.min(brush.from, brush.to) && i <= Math.max(brush.from, brush.to);
      bar.classList.toggle("brushed", inside);
      bar.setAttribute("aria-pressed", String(inside));
    }
    const note = brush && brush.from !== brush.to
      ? buckets[Math.min(brush.from, brush.to)].period + " \u2013 " + buckets[Math.max(brush.from, brush.to)].period
      : "";
    $("timeline-brush").textContent = note;
  };
  // The bar under a pointer, by position, so that gaps and empty bars count too.
  const barAt = (x) => {
    let nearest = 0;
    for (const [i, bar] of bars.entries()) {
      const r = bar.getBoundingClientRect();
      if (x >= r.left) nearest = i;
    }
    return nearest;
  };
  box.onpointerdown = (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    const at = barAt(event.clientX);
    brush = { from: at, to: at, pointer: true, chart };
    box.setPointerCapture(event.pointerId);
    show();
  };
  box.onpointermove = (event) => {
    if (!brush || !brush.pointer) return;
    const at = barAt(event.clientX);
    if (at !== brush.to) {
      brush.to = at;
      show();
    }
  };
  box.onpointerup = (event) => {
    if (!brush || !brush.pointer) return;
    brush.to = barAt(event.clientX);
    const { from, to } = brush;
    brush = null;
    show();
    filterToPeriods(s, buckets, from, to);
  };
  // A drag the browser takes over (a scroll on a touch screen) leaves no span chosen.
  box.onpointercancel = () => {
    if (!brush || !brush.pointer) return;
    brush = null;
    show();
  };
  box.onkeydown = (event) => {
    const at = Number(event.target.dataset && event.target.dataset.at);
    if (Number.isNaN(at)) return;
    const step = { ArrowLeft: -1, ArrowRight: 1 }[event.key];
    if (step) {
      event.preventDefault();
      const next = Math.min(bars.length - 1, Math.max(0, at + step));
      if (event.shiftKey) {
        brush = brush && !brush.pointer ? brush : { from: at, to: at, chart };
        brush.to = next;
      } else {
        brush = null;
      }
      bars[next].focus();
      show();
    } else if (event.key === "Escape" && brush) {
      event.stopPropagation();
      brush = null;
      show();
    }
  };
  show();
  // Enter or Space on a bar: pointer clicks (detail 1 or more) were handled on release.
  box.onclick = (event) => {
    const bar = event.target.closest(".tl-bar");
    if (event.detail !== 0 || !bar) return;
    const at = Number(bar.dataset.at);
    if (Number.isNaN(at)) return;
    const [from, to] = brush ? [brush.from, brush.to] : [at, at];
    brush = null;
    filterToPeriods(s, buckets, from, to);
  };
}

// Fills a list of the article view; an empty one is hidden with its heading.
function listed(id, items) {
  const list = $(id);
  list.replaceChildren(...items);
  list.previousElementSibling.hidden = items.length === 0;
}

async function renderArticle(s) {
  const key = encodeURIComponent(s.a);
  const [article, related] = await Promise.all([
    api("/api/articles/" + key),
    api("/api/articles/" + key + "/related?limit=8"),
  ]);
  document.title = article.title + " \u2014 gazette";
  $("a-title").textContent = article.title || article.key;
  $("a-meta").replaceChildren(
    el("span", { text: article.published || "undated" }), " \u00b7 ",
    el("span", { class: "path", text: article.key }),
    ...(article.countries.length ? [" \u00b7 ", el("span", { text: article.countries.join(", ") })] : []),
  );
  $("a-front").replaceChildren(...Object.entries(article.meta).flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]));
  const mentions = [
    ...article.people.flatMap((p) => p.mentions.map((m) => ({ start: m.start, end: m.end, kind: "person", name: p.name }))),
    ...article.places.flatMap((p) => p.mentions.map((m) => ({ start: m.start, end: m.end, kind: "place", name: p.name }))),
    ...article.orgs.flatMap((o) => o.mentions.map((m) => ({ start: m.start, end: m.end, kind: "org", name: o.name }))),
    ...article.dates.map((d) => ({ start: d.start, end: d.end, kind: "date", name: d.value })),
  ].sort((a, b) => a.start - b.start || b.end - a.end);
  const paragraphs = [];
  let current = [];
  const nodes = marked(article.text, mentions, (text, m) => el("mark", { class: m.kind, title: m.kind + ": " + m.name, text }));
  // Blank lines part paragraphs; the nodes are split at them so that marks stay whole.
  for (const node of nodes) {
    if (node.nodeType !== Node.TEXT_NODE) { current.push(node); continue; }
    const pieces = node.textContent.split(/\n\s*\n/);
    pieces.forEach((piece, i) => {
      if (i > 0) { paragraphs.push(current); current = []; }
      if (piece) current.push(document.createTextNode(piece));
    });
  }
  paragraphs.push(current);
  $("a-text").replaceChildren(...paragraphs.filter((p) => p.length).map((p) => el("p", {}, p)));
  const names = (items, kind, label) => items.map((item) => el("li", {}, [
    el("button", {
      type: "button", class: "facet " + kind,
      onclick: () => go({ a: null, q: "", f: [kind === "countries" ? "countries:" + item : label + ":" + quoted(item.name || item)], page: 0 }),
    }, [el("span", { class: "facet-name", text: item.name || item }), el("span", { class: "count", text: item.mentions ? String(item.mentions.length) : "" })]),
  ]));
  listed("a-people", names(article.people, "person", "people"));
  listed("a-places", names(article.places, "place", "places"));
  listed("a-orgs", names(article.orgs, "org", "orgs"));
  listed("a-dates", article.dates.map((d) => el("li", { class: "date-item", text: d.value + " \u2014 \u201c" + d.text + "\u201d" })));
  listed("a-related", related.related.map((r) => {
    const why = [...r.shared.people, ...r.shared.places, ...r.shared.orgs];
    return el("li", {}, [
      articleLink(r.key, r.title),
      el("span", { class: "meta", text: " " + (r.published || "undated") }),
      ...(why.length ? [el("span", { class: "why", text: "shares " + why.join(", ") })] : []),
    ]);
  }));
  $("article").focus();
}

// ---- wiring ----

let typed = 0;

// Runs a typed or submitted query and records how long it took to show its results; a query
// overtaken by the next keystroke is not counted.
function timedGo(change, replace) {
  // A query already being answered (typed, then submitted) is timed from when it was asked.
  const key = stateUrl(Object.assign(readState(), change));
  const start = rendering && rendering.key === key ? rendering.started : performance.now();
  const mine = ++typed;
  go(change, replace).then(() => {
    if (mine === typed) window.gazetteTimings.push(performance.now() - start);
    sidebar.then(() => {
      if (mine === typed) window.gazetteSidebarTimings.push(performance.now() - start);
    });
  });
}

$("search").addEventListener("submit", (event) => {
  event.preventDefault();
  timedGo({ q: $("q").value, page: 0, a: null });
});

$("q").addEventListener("input", () => {
  // Typing refines the current entry; a submitted query is a new one in the history.
  timedGo({ q: $("q").value, page: 0, a: null }, true);
});

$("sort").addEventListener("change", () => go({ sort: $("sort").value, page: 0 }));
for (const field of ["published", "dates"]) {
  $("tl-" + field).addEventListener("click", () => go({ tl: field }, true));
}
$("back").addEventListener("click", () => go({ a: null }));
$("home").addEventListener("click", (event) => {
  event.preventDefault();
  go({ q: "", f: [], page: 0, a: null, sort: "relevance" });
});
document.addEventListener("keydown", (event) => {
  const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement.tagName);
  if (event.key === "/" && !typing) {
    event.preventDefault();
    $("q").focus();
  } else if (event.key === "Escape" && readState().a) {
    go({ a: null });
  }
});

render(readState());
