// "My changes": the filer's changes, newest first, ten to a page, each linking to its tracker.
import { t, formatInstant, onLanguageChange } from "./i18n.js";
import { requireSignIn, get, param } from "./api.js";

const SIZE = 10;
const SETTLED = new Set(["DELIVERED", "APPLIED"]);

function cell(row, content) {
    const td = document.createElement("td");
    td.append(content);
    row.append(td);
}

function statusBadge(status) {
    const badge = document.createElement("span");
    badge.className = "badge status-" + status;
    badge.textContent = t(status);
    return badge;
}

function render(page) {
    const status = document.getElementById("changes-status");
    status.textContent = "";
    status.hidden = true;
    document.getElementById("empty").hidden = page.totalItems > 0;
    const table = document.getElementById("changes");
    table.hidden = page.items.length === 0;
    table.querySelector("tbody").replaceChildren(...page.items.map((change) => {
        const row = document.createElement("tr");
        const link = document.createElement("a");
        link.href = "/tracker.html?receipt=" + encodeURIComponent(change.receipt);
        link.textContent = change.receipt;
        link.className = "receipt-inline";
        cell(row, link);
        cell(row, t(change.type));
        cell(row, formatInstant(change.submittedAt));
        cell(row, statusBadge(change.status));
        const done = change.deliveries.filter((delivery) => SETTLED.has(delivery.status)).length;
        cell(row, t("deliveredOf", { done, all: change.deliveries.length }));
        return row;
    }));
    const pages = Math.max(1, Math.ceil(page.totalItems / page.size));
    document.getElementById("pages").hidden = pages <= 1;
    document.getElementById("page-of").textContent = t("pageOf", { page: page.page + 1, pages });
    link(document.getElementById("previous"), page.page > 0 ? page.page - 1 : null);
    link(document.getElementById("next"), page.page + 1 < pages ? page.page + 1 : null);
}

function link(anchor, page) {
    if (page === null) {
        anchor.removeAttribute("href");
        anchor.setAttribute("aria-disabled", "true");
    } else {
        anchor.href = "/changes.html?page=" + page;
        anchor.removeAttribute("aria-disabled");
    }
}

async function start() {
    await requireSignIn();
    document.getElementById("changes-status").textContent = t("loading");
    const number = Math.max(0, Number.parseInt(param("page") || "0", 10) || 0);
    try {
        const page = await get(`/api/v1/changes?page=${number}&size=${SIZE}`);
        render(page);
        onLanguageChange(() => render(page));
    } catch (error) {
        document.getElementById("changes-status").textContent = t("network");
    }
}

start();
