// Operator console: polls the operator API every few seconds with the bearer token the sign-in page stored.
(function () {
    "use strict";

    var TOKEN_KEY = "tongbao.token";
    var LANGUAGE_KEY = "tongbao.language";
    var POLL_MS = 2500;
    var HISTORY_MS = 5000;
    var SVG = "http://www.w3.org/2000/svg";
    var messages = {
        zh: {
            other: "English", who: "登入身分：", roles: "角色", noToken: "尚未登入",
            paused: "已暫停", disabled: "已停用", active: "運作中", stale: "資料過時",
            pause: "暫停", resume: "恢復", enable: "重新啟用", retry: "重試", cancel: "取消投遞",
            cancelReason: "取消原因", confirmCancel: "確認取消", reasonNeeded: "請填寫取消原因。",
            tries: "嘗試紀錄", none: "（無）", time: "時間", duration: "耗時", http: "HTTP", answer: "回應（前 2 KiB）",
            outcome: "結果", found: "共 {0} 筆，顯示 {1} 筆", sent: "已送出：{0}", bulkSent: "已送出 {0} 筆重試指令。",
            failed: "失敗：", forbidden: "您的角色不能執行此操作（稽核人員僅能檢視）。", signIn: "登入已失效，請重新登入。",
            noAlerts: "目前沒有警示。", updated: "更新於 {0}", offline: "無法連線到閘道：",
            FAILING: "機關失敗中", RECOVERED: "機關已恢復", DISABLED: "機關已停用", DELIVERY_PARKED: "投遞已擱置",
            replaySent: "已送出重送指令。", ms: "毫秒"
        },
        en: {
            other: "中文", who: "Signed in as ", roles: "roles", noToken: "not signed in",
            paused: "Paused", disabled: "Disabled", active: "Active", stale: "stale",
            pause: "Pause", resume: "Resume", enable: "Enable", retry: "Retry", cancel: "Cancel delivery",
            cancelReason: "Reason for cancelling", confirmCancel: "Confirm cancel", reasonNeeded: "Enter a reason to cancel.",
            tries: "Tries", none: "(none)", time: "Time", duration: "Duration", http: "HTTP", answer: "Answer (first 2 KiB)",
            outcome: "Outcome", found: "{0} found, {1} shown", sent: "Sent: {0}", bulkSent: "{0} retry commands sent.",
            failed: "Failed: ", forbidden: "Your role may not do this (auditors only read).", signIn: "Your sign-in expired; sign in again.",
            noAlerts: "No alerts.", updated: "Updated {0}", offline: "Cannot reach the gateway: ",
            FAILING: "Agency failing", RECOVERED: "Agency recovered", DISABLED: "Agency disabled",
            DELIVERY_PARKED: "Delivery parked", replaySent: "Replay command sent.", ms: "ms"
        }
    };
    var language = sessionStorage.getItem(LANGUAGE_KEY) === "en" ? "en" : "zh";
    var token = sessionStorage.getItem(TOKEN_KEY);
    var agencies = [];
    var lastDeliveries = null;
    var openDetails = {};

    function text(key, a, b) {
        return String(messages[language][key]).replace("{0}", a).replace("{1}", b);
    }

    function el(tag, attributes, children) {
        var element = document.createElement(tag);
        Object.keys(attributes || {}).forEach(function (name) {
            if (name === "text") {
                element.textContent = attributes[name];
            } else {
                element.setAttribute(name, attributes[name]);
            }
        });
        (children || []).forEach(function (child) {
            if (child) {
                element.appendChild(child);
            }
        });
        return element;
    }

    function applyLanguage() {
        document.documentElement.lang = language === "en" ? "en" : "zh-Hant-TW";
        document.querySelectorAll("[data-" + language + "]").forEach(function (element) {
            element.textContent = element.getAttribute("data-" + language);
        });
        var toggle = document.getElementById("language");
        toggle.textContent = text("other");
        toggle.lang = language === "en" ? "zh-Hant-TW" : "en";
        showWho();
        renderAgencies();
        if (lastDeliveries) {
            renderDeliveries(lastDeliveries);
        }
    }

    function claims() {
        try {
            var part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
            return JSON.parse(decodeURIComponent(escape(atob(part))));
        } catch (e) {
            return null;
        }
    }

    function showWho() {
        var who = document.getElementById("who");
        var c = token ? claims() : null;
        who.textContent = c ? text("who") + (c.name || "") + " (" + text("roles") + ": " + (c.roles || []).join(", ") + ")"
            : text("noToken");
    }

    function say(message, bad) {
        var target = document.getElementById("message");
        target.textContent = message;
        target.className = bad ? "bad" : "ok";
    }

    function api(method, path, body) {
        var options = { method: method, headers: { "Authorization": "Bearer " + token, "Accept": "application/json" } };
        if (body !== undefined) {
            options.headers["Content-Type"] = "application/json";
            options.body = JSON.stringify(body);
        }
        return fetch(path, options).then(function (response) {
            return response.text().then(function (raw) {
                var data = raw ? JSON.parse(raw) : null;
                if (!response.ok) {
                    var error = new Error(response.status === 403 ? text("forbidden")
                        : response.status === 401 ? text("signIn")
                            : (data && (data.detail || data.title)) || String(response.status));
                    error.status = response.status;
                    throw error;
                }
                return data;
            });
        });
    }

    function formatTime(iso) {
        if (!iso) {
            return "";
        }
        return new Date(iso).toLocaleString(language === "en" ? "en-GB" : "zh-TW", { hour12: false });
    }

    function circuitBadge(agency) {
        var state = agency.circuitState;
        var kind = state === "CLOSED" ? "ok" : state === "OPEN" || state === "FORCED_OPEN" ? "bad" : "warn";
        var badge = el("span", { "class": "badge circuit " + kind, "data-state": state, text: state });
        return agency.stale ? el("span", {}, [badge, el("span", { "class": "muted", text: " (" + text("stale") + ")" })])
            : badge;
    }

    function stateBadge(agency) {
        if (agency.disabled) {
            return el("span", { "class": "badge bad state", "data-state": "DISABLED", text: text("disabled") });
        }
        if (agency.paused) {
            return el("span", { "class": "badge warn state", "data-state": "PAUSED", text: text("paused") });
        }
        return el("span", { "class": "badge ok state", "data-state": "ACTIVE", text: text("active") });
    }

    function actionButton(label, action, code, danger) {
        var button = el("button", { type: "button", "data-action": action, "data-agency": code, text: label });
        if (danger) {
            button.className = "danger";
        }
        button.addEventListener("click", function () {
            button.disabled = true;
            api("POST", "/api/v1/ops/agencies/" + code + "/" + action, {})
                .then(function () { say(text("sent", action + " " + code)); refreshAgencies(); })
                .catch(function (e) { say(text("failed") + e.message, true); })
                .then(function () { button.disabled = false; });
        });
        return button;
    }

    function renderAgencies() {
        var body = document.querySelector("#agencies tbody");
        body.textContent = "";
        agencies.forEach(function (agency) {
            var name = agency.name[language === "en" ? "en" : "zh-TW"] || agency.code;
            var counts = agency.counts || {};
            var actions = el("td", {}, [
                agency.paused ? actionButton(text("resume"), "resume", agency.code)
                    : actionButton(text("pause"), "pause", agency.code, true),
                agency.disabled ? actionButton(text("enable"), "enable", agency.code) : null
            ]);
            body.appendChild(el("tr", { "data-agency": agency.code }, [
                el("th", { scope: "row" }, [el("span", { text: agency.code + " " }),
                    el("span", { "class": "muted", text: name })]),
                el("td", {}, [circuitBadge(agency)]),
                el("td", {}, [stateBadge(agency)]),
                el("td", { "class": "num backlog", text: String(agency.backlog) }),
                el("td", { "class": "num", text: String(agency.inFlight) }),
                el("td", { "class": "num delivered", text: String(agency.deliveredPerMinute) }),
                el("td", { "class": "num failed", text: String(agency.failedPerMinute) }),
                el("td", { "class": "num", text: agency.p95LatencyMillis == null ? "—" : agency.p95LatencyMillis + " " + text("ms") }),
                el("td", { "class": "num parked", text: String(counts.PARKED || 0) }),
                el("td", { "class": "error-text" }, [el("span", { text: agency.lastError || "—" }),
                    agency.lastErrorAt ? el("span", { "class": "muted", text: " " + formatTime(agency.lastErrorAt) }) : null]),
                actions
            ]));
        });
    }

    function fillAgencySelects() {
        ["filter-agency", "replay-agency"].forEach(function (id) {
            var select = document.getElementById(id);
            if (select.getAttribute("data-filled")) {
                return;
            }
            agencies.forEach(function (agency) {
                select.appendChild(el("option", { value: agency.code, text: agency.code }));
            });
            select.setAttribute("data-filled", "yes");
        });
    }

    function refreshAgencies() {
        return api("GET", "/api/v1/ops/agencies").then(function (list) {
            agencies = list;
            fillAgencySelects();
            renderAgencies();
            document.getElementById("live").textContent = text("updated", formatTime(new Date().toISOString()));
        });
    }

    function refreshAlerts() {
        return api("GET", "/api/v1/ops/alerts?limit=20").then(function (alerts) {
            var list = document.getElementById("alerts");
            list.textContent = "";
            if (!alerts.length) {
                list.appendChild(el("li", { "class": "muted", text: text("noAlerts") }));
            }
            alerts.forEach(function (alert) {
                var kind = alert.kind === "RECOVERED" ? "ok" : alert.kind === "DELIVERY_PARKED" ? "warn" : "bad";
                list.appendChild(el("li", { "data-kind": alert.kind, "data-agency": alert.agency }, [
                    el("span", { "class": "badge " + kind, text: text(alert.kind) }),
                    el("span", { text: " " + alert.agency + " · " + formatTime(alert.at) + " · " }),
                    el("span", { "class": "muted", text: alert.detail || "" })
                ]));
            });
        });
    }

    function drawChart(code, minutes) {
        var width = 240, height = 70, barWidth = width / 60;
        var max = 1;
        minutes.forEach(function (m) { max = Math.max(max, m.delivered + m.failed); });
        var svg = document.createElementNS(SVG, "svg");
        svg.setAttribute("viewBox", "0 0 " + width + " " + height);
        svg.setAttribute("role", "img");
        var total = minutes.reduce(function (s, m) { return [s[0] + m.delivered, s[1] + m.failed]; }, [0, 0]);
        var title = document.createElementNS(SVG, "title");
        title.textContent = code + ": " + (language === "en" ? "delivered " + total[0] + ", failed " + total[1]
            : "成功 " + total[0] + "，失敗 " + total[1]);
        svg.appendChild(title);
        minutes.forEach(function (m, i) {
            var delivered = (m.delivered / max) * (height - 2);
            var failed = (m.failed / max) * (height - 2);
            [["delivered", delivered, height - delivered], ["failed", failed, height - delivered - failed]]
                .forEach(function (bar) {
                    if (bar[1] > 0) {
                        var rect = document.createElementNS(SVG, "rect");
                        rect.setAttribute("class", bar[0]);
                        rect.setAttribute("x", String(i * barWidth));
                        rect.setAttribute("y", String(bar[2]));
                        rect.setAttribute("width", String(Math.max(1, barWidth - 1)));
                        rect.setAttribute("height", String(bar[1]));
                        svg.appendChild(rect);
                    }
                });
        });
        var axis = document.createElementNS(SVG, "line");
        axis.setAttribute("x1", "0"); axis.setAttribute("x2", String(width));
        axis.setAttribute("y1", String(height - 0.5)); axis.setAttribute("y2", String(height - 0.5));
        axis.setAttribute("stroke", "#888");
        svg.appendChild(axis);
        var figure = document.getElementById("chart-" + code);
        if (!figure) {
            figure = el("figure", { "class": "chart", id: "chart-" + code });
            document.getElementById("charts").appendChild(figure);
        }
        figure.textContent = "";
        figure.appendChild(el("h4", { text: code + " — " + title.textContent.substring(code.length + 2) }));
        figure.appendChild(svg);
    }

    function refreshHistory() {
        return Promise.all(agencies.map(function (agency) {
            return api("GET", "/api/v1/ops/agencies/" + agency.code + "/history").then(function (history) {
                drawChart(agency.code, history.minutes);
            });
        }));
    }

    function filterQuery() {
        var params = new URLSearchParams();
        var receipt = document.getElementById("filter-receipt").value.trim();
        var agency = document.getElementById("filter-agency").value;
        var status = document.getElementById("filter-status").value;
        var since = document.getElementById("filter-since").value;
        if (receipt) { params.set("receipt", receipt); }
        if (agency) { params.set("agency", agency); }
        if (status) { params.set("status", status); }
        if (since) { params.set("since", new Date(since).toISOString()); }
        params.set("size", "50");
        return params;
    }

    function attemptTable(delivery) {
        if (!delivery.attemptLog.length) {
            return el("p", { "class": "muted", text: text("none") });
        }
        var head = el("tr", {}, ["time", "duration", "http", "outcome", "answer"].map(function (key) {
            return el("th", { scope: "col", text: text(key) });
        }));
        var rows = delivery.attemptLog.map(function (attempt) {
            return el("tr", {}, [
                el("td", { text: "#" + attempt.number + " " + formatTime(attempt.at) }),
                el("td", { "class": "num", text: attempt.durationMillis == null ? "—" : attempt.durationMillis + " " + text("ms") }),
                el("td", { "class": "num", text: attempt.httpStatus == null ? "—" : String(attempt.httpStatus) }),
                el("td", { text: attempt.outcome }),
                el("td", {}, [el("pre", { text: attempt.response || attempt.error || "" })])
            ]);
        });
        return el("table", { "class": "attempts" }, [el("thead", {}, [head]), el("tbody", {}, rows)]);
    }

    function deliveryActions(delivery) {
        var cell = el("div", {});
        if (delivery.status === "PARKED" || delivery.status === "REJECTED") {
            var retry = el("button", { type: "button", "class": "retry", text: text("retry") });
            retry.addEventListener("click", function () {
                retry.disabled = true;
                api("POST", "/api/v1/ops/deliveries/" + delivery.id + "/retry", {})
                    .then(function () { say(text("sent", text("retry") + " " + delivery.receipt + " " + delivery.agency)); search(); })
                    .catch(function (e) { say(text("failed") + e.message, true); retry.disabled = false; });
            });
            cell.appendChild(retry);
        }
        if (["PENDING", "RETRYING", "PARKED", "REJECTED"].indexOf(delivery.status) >= 0) {
            var inputId = "cancel-" + delivery.id;
            var input = el("input", { type: "text", id: inputId, maxlength: "500", autocomplete: "off" });
            var label = el("label", { "for": inputId, "class": "visually-hidden", text: text("cancelReason") });
            input.setAttribute("placeholder", text("cancelReason"));
            var cancel = el("button", { type: "button", "class": "danger", text: text("cancel") });
            cancel.addEventListener("click", function () {
                if (!input.value.trim()) {
                    say(text("reasonNeeded"), true);
                    input.focus();
                    return;
                }
                api("POST", "/api/v1/ops/deliveries/" + delivery.id + "/cancel", { reason: input.value.trim() })
                    .then(function () { say(text("sent", text("cancel") + " " + delivery.receipt)); search(); })
                    .catch(function (e) { say(text("failed") + e.message, true); });
            });
            cell.appendChild(el("span", { "class": "cancel-form" }, [label, input, cancel]));
        }
        return cell;
    }

    function renderDeliveries(page) {
        lastDeliveries = page;
        document.getElementById("deliveries-summary").textContent = text("found", page.total, page.items.length);
        var body = document.querySelector("#deliveries tbody");
        // Keep what the operator is typing or reading across refreshes.
        var focused = document.activeElement && body.contains(document.activeElement) ? document.activeElement.id : null;
        var typed = {};
        body.querySelectorAll("input").forEach(function (input) { typed[input.id] = input.value; });
        body.textContent = "";
        page.items.forEach(function (delivery) {
            var statusClass = delivery.status === "DELIVERED" || delivery.status === "APPLIED" ? "ok"
                : delivery.status === "PARKED" || delivery.status === "REJECTED" ? "bad" : "warn";
            var details = el("details", { "data-id": delivery.id }, [
                el("summary", { text: text("tries") + " (" + delivery.attemptLog.length + ")" }),
                attemptTable(delivery)
            ]);
            if (openDetails[delivery.id]) {
                details.setAttribute("open", "");
            }
            details.addEventListener("toggle", function () { openDetails[delivery.id] = details.open; });
            body.appendChild(el("tr", { "data-id": delivery.id, "data-status": delivery.status, "data-agency": delivery.agency }, [
                el("td", { text: delivery.receipt }),
                el("td", { text: delivery.agency }),
                el("td", {}, [el("span", { "class": "badge status " + statusClass, text: delivery.status })]),
                el("td", { "class": "num", text: String(delivery.attempts) }),
                el("td", { "class": "error-text", text: delivery.reason || "" }),
                el("td", { text: formatTime(delivery.updatedAt) }),
                el("td", {}, [details, deliveryActions(delivery)])
            ]));
        });
        Object.keys(typed).forEach(function (id) {
            var input = document.getElementById(id);
            if (input) { input.value = typed[id]; }
        });
        if (focused && document.getElementById(focused)) {
            document.getElementById(focused).focus();
        }
    }

    function search() {
        return api("GET", "/api/v1/ops/deliveries?" + filterQuery().toString()).then(renderDeliveries);
    }

    function bulkRetry() {
        var agency = document.getElementById("filter-agency").value || null;
        var status = document.getElementById("filter-status").value;
        var since = document.getElementById("filter-since").value;
        var reason = document.getElementById("bulk-reason").value.trim() || null;
        var body = {
            agency: agency,
            status: status === "REJECTED" ? "REJECTED" : "PARKED",
            since: since ? new Date(since).toISOString() : null,
            reason: reason
        };
        var button = document.getElementById("bulk-retry");
        button.disabled = true;
        api("POST", "/api/v1/ops/deliveries/retry", body)
            .then(function (answer) { say(text("bulkSent", answer.count)); return search(); })
            .catch(function (e) { say(text("failed") + e.message, true); })
            .then(function () { button.disabled = false; });
    }

    function replay(event) {
        event.preventDefault();
        var code = document.getElementById("replay-agency").value;
        var since = document.getElementById("replay-since").value;
        var until = document.getElementById("replay-until").value;
        api("POST", "/api/v1/ops/agencies/" + code + "/replay", {
            since: since ? new Date(since).toISOString() : null,
            until: until ? new Date(until).toISOString() : null,
            reason: document.getElementById("replay-reason").value.trim()
        }).then(function () { say(text("replaySent")); })
            .catch(function (e) { say(text("failed") + e.message, true); });
    }

    function poll() {
        Promise.all([refreshAgencies(), refreshAlerts(), search()])
            .catch(function (e) { say(text("offline") + e.message, true); })
            .then(function () { setTimeout(poll, POLL_MS); });
    }

    function pollHistory() {
        refreshHistory().catch(function () { /* the next poll tries again */ })
            .then(function () { setTimeout(pollHistory, HISTORY_MS); });
    }

    document.getElementById("language").addEventListener("click", function () {
        language = language === "en" ? "zh" : "en";
        sessionStorage.setItem(LANGUAGE_KEY, language);
        applyLanguage();
        refreshHistory();
    });
    document.getElementById("search").addEventListener("submit", function (event) {
        event.preventDefault();
        search().catch(function (e) { say(text("failed") + e.message, true); });
    });
    document.getElementById("bulk-retry").addEventListener("click", bulkRetry);
    document.getElementById("replay").addEventListener("submit", replay);

    applyLanguage();
    if (!token) {
        document.getElementById("signed-out").hidden = false;
        return;
    }
    refreshAgencies().then(refreshHistory).then(pollHistory, pollHistory);
    poll();
})();
