// "File a change": one form per change type, consent choices from the catalog, errors next to their fields.
import { t, pick, fieldLabel, serverMessage, onLanguageChange } from "./i18n.js";
import { requireSignIn, returnAfterSignIn, call, get, newIdempotencyKey } from "./api.js";

const forms = Array.from(document.querySelectorAll("form.change-form"));
let catalog = null;

function showForm(type) {
    forms.forEach((form) => (form.hidden = form.dataset.type !== type));
}

function taipeiToday() {
    return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Taipei" }).format(new Date());
}

// --- the agencies of each type, from GET /api/v1/catalog ---------------------------------------------------------

function fieldNames(fields) {
    return fields.map((name) => fieldLabel(name, catalog)).join(t("listSeparator"));
}

function agencyDetails(agency, type, id) {
    const receives = agency.receives.find((entry) => entry.type === type);
    const details = document.createElement("div");
    details.className = "agency-details";
    details.id = id;
    const basis = document.createElement("p");
    basis.textContent = `${t("basis" + agency.basis)} · ${t("legalReference")}${agency.legalReference}`;
    const fields = document.createElement("p");
    fields.textContent = t("willReceive") + fieldNames(receives.fields);
    details.append(basis, fields);
    return details;
}

function renderAgencies() {
    for (const form of forms) {
        const type = form.dataset.type;
        const takers = catalog.agencies.filter((agency) => agency.receives.some((entry) => entry.type === type));
        const lawList = form.querySelector("[data-law-for] .agency-list");
        lawList.replaceChildren(...takers.filter((agency) => agency.basis === "LAW").map((agency) => {
            const item = document.createElement("li");
            const name = document.createElement("strong");
            name.textContent = pick(agency.name);
            item.append(name, agencyDetails(agency, type, `${type}-law-${agency.code}`));
            return item;
        }));
        const consentList = form.querySelector("[data-consent-for] .agency-list");
        const chosen = new Set(Array.from(consentList.querySelectorAll("input:checked"), (box) => box.value));
        const consent = takers.filter((agency) => agency.basis === "CONSENT");
        consentList.replaceChildren(...consent.map((agency) => {
            const id = `${type}-notify-${agency.code}`;
            const choice = document.createElement("div");
            choice.className = "agency-choice";
            const box = document.createElement("input");
            Object.assign(box, { type: "checkbox", id, name: "notify", value: agency.code, checked: chosen.has(agency.code) });
            box.setAttribute("aria-describedby", id + "-details");
            const label = document.createElement("label");
            label.htmlFor = id;
            label.textContent = pick(agency.name);
            choice.append(box, label, agencyDetails(agency, type, id + "-details"));
            return choice;
        }));
        if (consent.length === 0) {
            const none = document.createElement("p");
            none.textContent = t("noConsentAgencies");
            consentList.append(none);
        }
    }
}

// --- the request body, built from the inputs' names ----------------------------------------------------------------

function put(target, path, value) {
    const parts = path.split(".");
    const last = parts.pop();
    let node = target;
    for (const part of parts) {
        node = node[part] ??= {};
    }
    node[last] = value;
}

function bodyOf(form, claims) {
    const type = form.dataset.type;
    const body = { type, subjectId: claims.sub, data: {} };
    for (const input of form.querySelectorAll("input[name], select[name]")) {
        if (input.disabled || input.name === "notify" || input.value.trim() === "") {
            continue;
        }
        put(body, input.name, input.value.trim());
    }
    if (type === "DEATH_REPORT") {
        body.subjectId = (body.subjectId || "").toUpperCase();
        body.effectiveDate = body.data.dateOfDeath;
    }
    body.notify = Array.from(form.querySelectorAll("input[name=notify]:checked"), (box) => box.value);
    return body;
}

// --- errors next to the fields they are about ----------------------------------------------------------------------

function clearErrors(form) {
    form.querySelectorAll(".field-error").forEach((error) => error.remove());
    form.querySelectorAll("[aria-invalid]").forEach((input) => {
        input.removeAttribute("aria-invalid");
        const describedBy = (input.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.endsWith("-error"));
        describedBy.length ? input.setAttribute("aria-describedby", describedBy.join(" ")) : input.removeAttribute("aria-describedby");
    });
    const summary = form.querySelector(".error-summary");
    summary.hidden = true;
    summary.querySelector("ul").replaceChildren();
}

/** The input a server error names (data.address.city), else the closest group or input that stands for it. */
function targetOf(form, field) {
    for (let path = field; path; path = path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : "") {
        const target = form.querySelector(`[name="${path}"]:not([type=checkbox])`)
            || form.querySelector(`[data-error-for~="${path}"]`)
            || form.querySelector(`[data-group="${path}"]`)
            || (path.startsWith("notify") ? form.querySelector("[data-consent-for]") : null);
        if (target) {
            return target;
        }
    }
    return null;
}

function showErrors(form, errors) {
    const summary = form.querySelector(".error-summary");
    const list = summary.querySelector("ul");
    errors.forEach((error, index) => {
        const message = serverMessage(error.message);
        const target = targetOf(form, error.field);
        const item = document.createElement("li");
        if (target) {
            const id = `${target.id || form.id + "-x" + index}-error`;
            target.id ||= form.id + "-x" + index;
            let slot = document.getElementById(id);
            if (!slot) {
                slot = document.createElement("p");
                slot.className = "field-error";
                slot.id = id;
                const anchor = target.matches("fieldset") ? target.querySelector("legend") : target;
                anchor.after(slot);
                if (!target.matches("fieldset")) {
                    target.setAttribute("aria-invalid", "true");
                    target.setAttribute("aria-describedby", `${target.getAttribute("aria-describedby") || ""} ${id}`.trim());
                }
            }
            slot.textContent = slot.textContent ? slot.textContent + t("clauseSeparator") + message : message;
            const link = document.createElement("a");
            link.href = "#" + target.id;
            link.textContent = labelOf(target) + t("colon") + message;
            link.addEventListener("click", (event) => {
                event.preventDefault();
                (target.matches("fieldset") ? target.querySelector("input, select") : target)?.focus();
            });
            item.append(link);
        } else {
            item.textContent = error.field ? error.field + t("colon") + message : message;
        }
        list.append(item);
    });
    summary.hidden = false;
    summary.focus();
}

function labelOf(target) {
    if (target.matches("fieldset")) {
        return target.querySelector("legend").textContent;
    }
    const label = target.labels && target.labels[0];
    const group = target.closest("fieldset.address");
    const text = label ? label.querySelector("span")?.textContent || label.textContent : target.name;
    return group ? `${group.querySelector("legend").textContent} ${text}` : text;
}

// --- filing --------------------------------------------------------------------------------------------------------

async function file(form, claims) {
    if (form.dataset.busy) {
        return; // a second click while the first is on its way files nothing
    }
    form.dataset.busy = "true";
    const button = form.querySelector("button[type=submit]");
    const status = form.querySelector(".form-status");
    button.setAttribute("aria-disabled", "true");
    // One key per filing: kept until the answer arrives or the citizen edits the form, so a retry files once.
    form.dataset.key ||= newIdempotencyKey();
    clearErrors(form);
    status.textContent = t("filing");
    try {
        const answer = await call("POST", "/api/v1/changes", {
            body: bodyOf(form, claims),
            headers: { "Idempotency-Key": form.dataset.key }
        });
        if (answer.status === 202) {
            location.assign("/receipt.html?receipt=" + encodeURIComponent(answer.body.receipt));
            return;
        }
        status.textContent = "";
        const problem = answer.body || {};
        if (answer.status === 409) {
            delete form.dataset.key;
        }
        showErrors(form, problem.errors && problem.errors.length
            ? problem.errors
            : [{ field: "", message: t("filedFailed") + (problem.detail || answer.status) }]);
    } catch (error) {
        status.textContent = t("network");
    } finally {
        delete form.dataset.busy;
        button.removeAttribute("aria-disabled");
    }
}

function wire(form, claims) {
    form.querySelectorAll(".filer-name").forEach((element) => (element.textContent = claims.name || claims.sub));
    form.querySelectorAll("input[type=date]").forEach((input) => {
        if (input.name !== "data.dateOfDeath") {
            input.value = taipeiToday();
        }
    });
    form.addEventListener("input", () => delete form.dataset.key);
    form.addEventListener("change", () => delete form.dataset.key);
    form.addEventListener("submit", (event) => {
        event.preventDefault();
        file(form, claims);
    });
    form.querySelectorAll("[data-reveals]").forEach((box) => {
        const group = document.getElementById(box.dataset.reveals);
        box.addEventListener("change", () => {
            group.hidden = !box.checked;
            group.disabled = !box.checked;
        });
    });
}

async function start() {
    if (returnAfterSignIn()) {
        return;
    }
    const claims = await requireSignIn();
    forms.forEach((form) => wire(form, claims));
    document.querySelectorAll("input[name=type]").forEach((radio) =>
        radio.addEventListener("change", () => showForm(radio.value)));
    showForm(document.querySelector("input[name=type]:checked").value);
    try {
        catalog = await get("/api/v1/catalog");
        renderAgencies();
        onLanguageChange(renderAgencies);
    } catch (error) {
        document.getElementById("catalog-failed").hidden = false;
    }
}

start();
