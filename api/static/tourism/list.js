// The tourism list: more cards as the reader reaches the end (or presses "show more", which is
// also a plain link without scripts), and commune counts that follow the chosen kind.

import { number } from "/static/common/format.js";

// The words come with the page (data-* attributes from the catalogue, api/i18n/messages/tourism.json).
const LANG = document.documentElement.lang === "en" ? "en" : "vi";
const fill = (text, values) => text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));

const list = document.getElementById("places");
const more = document.getElementById("more");
const link = document.getElementById("more-link");
const total = Number(list.dataset.total);
const STEP = Number(list.dataset.step);
let loading = null;

function shownCount() { return list.querySelectorAll("li.place").length; }

function cardsUrl(offset) {
  const url = new URL(list.dataset.cards, window.location.href);
  url.searchParams.set("offset", String(offset));
  return url;
}

async function loadMore() {
  if (loading || shownCount() >= total) return loading;
  more.setAttribute("aria-busy", "true");
  link.textContent = more.dataset.loading;
  loading = (async () => {
    const before = shownCount();
    const response = await fetch(cardsUrl(before), { headers: { Accept: "text/html" } });
    if (!response.ok) throw new Error(`cards: HTTP ${response.status}`);
    list.insertAdjacentHTML("beforeend", await response.text());  // our own server's template
    const now = shownCount();
    document.getElementById("shown").textContent = fill(more.dataset.shown, { shown: number(now, LANG), n: number(total, LANG) });
    link.textContent = more.dataset.more;
    link.href = `${window.location.pathname}?${new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(window.location.search)), shown: String(now + STEP) })}`;
    more.removeAttribute("aria-busy");
    if (now >= total) more.hidden = true;
    // Keyboard readers land on the first new card.
    return list.querySelectorAll("li.place")[before];
  })().finally(() => { loading = null; });
  return loading;
}

link.addEventListener("click", async (event) => {
  event.preventDefault();
  const first = await loadMore();
  first?.querySelector("a")?.focus();
});

if ("IntersectionObserver" in window && !more.hidden) {
  const watch = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) loadMore().catch((err) => console.error(err));
  }, { rootMargin: "400px 0px" });
  watch.observe(more);
}

// Communes: how many places of the chosen kind each has; those with none cannot be chosen.
const kindSelect = document.getElementById("kind-filter");
const communeSelect = document.getElementById("commune-filter");

function recount() {
  const kind = kindSelect.value;
  for (const option of communeSelect.options) {
    if (!option.value) continue;
    const kinds = JSON.parse(option.dataset.kinds || "{}");
    const n = kind ? (kinds[kind] || 0) : Object.values(kinds).reduce((a, b) => a + b, 0);
    option.textContent = `${option.dataset.name} (${n ? number(n, LANG) : communeSelect.dataset.none})`;
    option.disabled = n === 0 && !option.selected;
  }
}

kindSelect.addEventListener("change", () => {
  const chosen = communeSelect.selectedOptions[0];
  recount();
  // A commune without the new kind would list nothing: the whole province instead.
  if (chosen && chosen.value && chosen.textContent.endsWith(`(${communeSelect.dataset.none})`)) {
    communeSelect.value = "";
    recount();
  }
});
