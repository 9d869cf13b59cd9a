// The receipt after filing: the number to keep, what was filed, who will be told, and the way to the tracker.
import { t, formatInstant, onLanguageChange } from "./i18n.js";
import { requireSignIn, get, param } from "./api.js";

function term(list, key, value) {
    const dt = document.createElement("dt");
    dt.textContent = t(key);
    const dd = document.createElement("dd");
    dd.textContent = value;
    list.append(dt, dd);
}

function render(change) {
    document.getElementById("receipt-number").textContent = change.receipt;
    const summary = document.getElementById("summary");
    summary.replaceChildren();
    term(summary, "changeType", t(change.type));
    term(summary, "submittedAt", formatInstant(change.submittedAt));
    term(summary, "sequence", String(change.sequence));
    document.getElementById("agencies").replaceChildren(...change.deliveries.map((delivery) => {
        const item = document.createElement("li");
        item.textContent = delivery.agencyName;
        return item;
    }));
    document.getElementById("track").href = "/tracker.html?receipt=" + encodeURIComponent(change.receipt);
}

async function start() {
    await requireSignIn();
    try {
        const change = await get("/api/v1/changes/" + encodeURIComponent(param("receipt") || ""));
        render(change);
        onLanguageChange(() => render(change));
    } catch (error) {
        document.querySelectorAll("[data-needs-sign-in]").forEach((element) => (element.hidden = true));
        const failed = document.getElementById("load-failed");
        failed.textContent = error.status === 404 ? t("notFound") : t("network");
        failed.hidden = false;
    }
}

start();
