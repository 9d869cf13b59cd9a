// The tracker: each agency's delivery of one change, updated every 2 s without reloading, and who received what.
import { t, pick, fieldLabel, formatInstant, onLanguageChange } from "./i18n.js";
import { requireSignIn, get, param } from "./api.js";

const FAST = 2000; // while deliveries are on their way
const SLOW = 10000; // once none is pending or retrying: only acknowledgements and operator actions remain
const FINAL = new Set(["APPLIED", "REJECTED", "SUPERSEDED", "CANCELLED"]);

const receipt = param("receipt") || "";
let catalog = null;
let change = null;
let lastSeen = ""; // the last answer, to redraw only when something changed
const announced = new Map(); // agency → status already announced

function agencyName(delivery) {
    const entry = catalog && catalog.agencies.find((agency) => agency.code === delivery.agency);
    return entry ? pick(entry.name) : delivery.agencyName;
}

function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
        node.className = className;
    }
    if (text !== undefined) {
        node.textContent = text;
    }
    return node;
}

function time(iso) {
    const node = element("time", null, formatInstant(iso));
    node.dateTime = iso;
    return node;
}

function deliveredAt(delivery) {
    const step = delivery.timeline.find((entry) => entry.status === "DELIVERED" || entry.status === "APPLIED");
    return step ? step.at : null;
}

function renderSummary() {
    const summary = document.getElementById("summary");
    summary.replaceChildren();
    for (const [key, value] of [
        ["changeType", t(change.type)],
        ["status", t(change.status)],
        ["submittedAt", formatInstant(change.submittedAt)],
        ["sequence", String(change.sequence)]
    ]) {
        const dd = element("dd", key === "status" ? "badge status-" + change.status : null, value);
        if (key === "status") {
            dd.id = "change-status";
            dd.dataset.status = change.status;
        }
        summary.append(element("dt", null, t(key)), dd);
    }
}

function renderDelivery(delivery) {
    const id = "delivery-" + delivery.agency;
    const item = element("li", "delivery");
    item.dataset.agency = delivery.agency;
    item.dataset.status = delivery.status;
    item.setAttribute("aria-labelledby", id + "-name " + id + "-status");
    const name = element("h3", null, agencyName(delivery));
    name.id = id + "-name";
    const status = element("p", "badge status-" + delivery.status, t(delivery.status));
    status.id = id + "-status";
    item.append(name, status);
    if (delivery.status === "REJECTED" && delivery.reason) {
        item.append(element("p", "reason", t("reason") + delivery.reason));
    }
    if (delivery.status === "RETRYING" && delivery.nextAttemptAt) {
        const next = element("p", null, t("nextAttempt"));
        next.append(time(delivery.nextAttemptAt));
        item.append(next);
    }
    if (delivery.status === "PARKED") {
        item.append(element("p", "reason", t("parkedNote") + (delivery.reason ? " " + t("reason") + delivery.reason : "")));
    }
    if (delivery.attempts > 0) {
        item.append(element("p", "hint", t("attempts") + delivery.attempts));
    }
    const history = element("ol", "timeline");
    history.setAttribute("aria-label", agencyName(delivery) + " " + t("timeline"));
    for (const step of delivery.timeline) {
        const entry = element("li", "step status-" + step.status);
        entry.append(element("span", "step-status", t(step.status)), " ", time(step.at));
        history.append(entry);
    }
    item.append(history);
    return item;
}

function renderWho() {
    document.querySelector("#who-received tbody").replaceChildren(...change.deliveries.map((delivery) => {
        const row = element("tr");
        row.dataset.agency = delivery.agency;
        const at = deliveredAt(delivery);
        row.append(element("th", null, agencyName(delivery)));
        row.firstChild.scope = "row";
        const fields = element("td");
        const list = element("ul", "fields");
        (delivery.fields || []).forEach((name) => list.append(element("li", null, fieldLabel(name, catalog))));
        fields.append(list);
        row.append(fields);
        const when = element("td");
        if (at) {
            when.append(time(at));
        } else {
            when.textContent = delivery.status === "REJECTED" ? t("refused") : t("notYet");
        }
        row.append(when);
        return row;
    }));
}

function render() {
    document.getElementById("heading-receipt").textContent = change.receipt;
    renderSummary();
    document.getElementById("deliveries").replaceChildren(...change.deliveries.map(renderDelivery));
    renderWho();
}

/** Tells screen-reader users what changed since the last answer, once per agency and status. */
function announce() {
    const news = [];
    for (const delivery of change.deliveries) {
        const before = announced.get(delivery.agency);
        if (before && before !== delivery.status) {
            news.push(agencyName(delivery) + t("colon") + t(delivery.status));
        }
        announced.set(delivery.agency, delivery.status);
    }
    if (news.length) {
        document.getElementById("announcer").textContent = news.join(t("clauseSeparator"));
    }
}

async function poll() {
    let wait = FAST;
    try {
        const answer = await get("/api/v1/changes/" + encodeURIComponent(receipt));
        document.getElementById("poll-problem").hidden = true;
        const seen = JSON.stringify(answer);
        if (seen !== lastSeen) {
            lastSeen = seen;
            change = answer;
            render();
            announce();
        }
        document.getElementById("tracker").hidden = false;
        const updated = document.getElementById("updated");
        updated.dateTime = new Date().toISOString();
        updated.textContent = formatInstant(updated.dateTime);
        if (change.deliveries.every((delivery) => FINAL.has(delivery.status))) {
            return; // nothing will change any more
        }
        wait = change.status === "IN_PROGRESS" ? FAST : SLOW;
    } catch (error) {
        if (error.status === 404) {
            document.getElementById("tracker").hidden = true;
            document.getElementById("not-found").hidden = false;
            return;
        }
        document.getElementById("poll-problem").hidden = false;
    }
    setTimeout(poll, wait);
}

async function start() {
    await requireSignIn();
    document.getElementById("heading-receipt").textContent = receipt;
    try {
        catalog = await get("/api/v1/catalog");
    } catch (error) {
        catalog = null; // names fall back to the delivery's own, fields to their JSON names
    }
    onLanguageChange(() => change && render());
    poll();
}

start();
