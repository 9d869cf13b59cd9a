// Demo sign-in: asks the gateway's demo issuer for a token, keeps it in sessionStorage and goes to the citizen pages.
(function () {
    "use strict";

    var TOKEN_KEY = "tongbao.token";
    var LANGUAGE_KEY = "tongbao.language";
    var messages = {
        zh: {
            missingSub: "請輸入身分證統一編號。",
            badSub: "身分證統一編號格式或檢查碼不正確。",
            missingName: "請輸入姓名。",
            working: "正在取得憑證…",
            failed: "無法取得憑證：",
            done: "已登入，正在前往首頁…",
            other: "English"
        },
        en: {
            missingSub: "Enter a national ID.",
            badSub: "The national ID's format or check digit is wrong.",
            missingName: "Enter a name.",
            working: "Getting a token…",
            failed: "Could not get a token: ",
            done: "Signed in; going to the home page…",
            other: "中文"
        }
    };
    var language = sessionStorage.getItem(LANGUAGE_KEY) === "en" ? "en" : "zh";

    function text(key) {
        return messages[language][key];
    }

    function applyLanguage() {
        document.documentElement.lang = language === "en" ? "en" : "zh-Hant-TW";
        document.querySelectorAll("[data-" + language + "]").forEach(function (element) {
            element.textContent = element.getAttribute("data-" + language);
        });
        var toggle = document.getElementById("language");
        toggle.textContent = text("other");
        toggle.lang = language === "en" ? "zh-Hant-TW" : "en";
    }

    var LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO";

    function validNationalId(id) {
        if (!/^[A-Z][1289][0-9]{8}$/.test(id)) {
            return false;
        }
        var code = LETTERS.indexOf(id.charAt(0)) + 10;
        var sum = Math.floor(code / 10) + (code % 10) * 9;
        for (var i = 1; i < 9; i++) {
            sum += Number(id.charAt(i)) * (9 - i);
        }
        return (sum + Number(id.charAt(9))) % 10 === 0;
    }

    function showError(input, message) {
        var error = document.getElementById(input.id + "-error");
        if (message) {
            input.setAttribute("aria-invalid", "true");
            error.textContent = message;
            error.hidden = false;
        } else {
            input.removeAttribute("aria-invalid");
            error.textContent = "";
            error.hidden = true;
        }
    }

    function validate(sub, name) {
        var subInput = document.getElementById("sub");
        var nameInput = document.getElementById("name");
        var subError = !sub ? text("missingSub") : validNationalId(sub) ? "" : text("badSub");
        var nameError = name ? "" : text("missingName");
        showError(subInput, subError);
        showError(nameInput, nameError);
        if (subError) {
            subInput.focus();
        } else if (nameError) {
            nameInput.focus();
        }
        return !subError && !nameError;
    }

    document.getElementById("language").addEventListener("click", function () {
        language = language === "zh" ? "en" : "zh";
        sessionStorage.setItem(LANGUAGE_KEY, language);
        applyLanguage();
    });

    document.querySelectorAll(".samples button").forEach(function (button) {
        button.addEventListener("click", function () {
            document.getElementById("sub").value = button.getAttribute("data-sub");
            document.getElementById("name").value = button.getAttribute("data-name");
            showError(document.getElementById("sub"), "");
            showError(document.getElementById("name"), "");
            document.getElementById("submit").focus();
        });
    });

    document.getElementById("sign-in").addEventListener("submit", function (event) {
        event.preventDefault();
        var status = document.getElementById("status");
        var sub = document.getElementById("sub").value.trim().toUpperCase();
        var name = document.getElementById("name").value.trim();
        var role = document.querySelector("input[name='role']:checked").value;
        if (!validate(sub, name)) {
            return;
        }
        var body = { sub: sub, name: name, roles: role ? [role] : [] };
        status.textContent = text("working");
        fetch("/demo/token", {
            method: "POST",
            headers: { "Content-Type": "application/json", "Accept": "application/json" },
            body: JSON.stringify(body)
        }).then(function (response) {
            return response.json().then(function (answer) {
                if (!response.ok) {
                    var reasons = (answer.errors || []).map(function (error) {
                        return error.field + " " + error.message;
                    });
                    throw new Error(reasons.length ? reasons.join("; ") : answer.detail || String(response.status));
                }
                return answer;
            });
        }).then(function (token) {
            sessionStorage.setItem(TOKEN_KEY, token.access_token);
            status.textContent = text("done");
            window.location.assign("/");
        }).catch(function (error) {
            status.textContent = text("failed") + error.message;
        });
    });

    applyLanguage();
}());
