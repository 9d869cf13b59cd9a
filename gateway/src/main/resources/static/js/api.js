// Talks to the citizen API with the sign-in token, and sends the citizen to sign in when there is none.
import { t } from "./i18n.js";

const TOKEN_KEY = "tongbao.token"; // where the sign-in page leaves the token
const RETURN_KEY = "tongbao.returnTo"; // where to come back to after signing in

/** The token's claims (sub, name, exp), or null when there is no unexpired token. */
export function signedIn() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) {
        return null;
    }
    try {
        const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
        const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
        const claims = JSON.parse(new TextDecoder().decode(bytes));
        return claims.exp && claims.exp * 1000 > Date.now() ? claims : null;
    } catch (e) {
        return null;
    }
}

/** Resolves with the claims, or sends the citizen to sign in (and never resolves). */
export async function requireSignIn() {
    const claims = signedIn();
    if (claims) {
        showAccount(claims);
        return claims;
    }
    await goToSignIn();
    return new Promise(() => {});
}

/** The demo sign-in page when this gateway runs its demo issuer, otherwise a message naming what is missing. */
async function goToSignIn() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.setItem(RETURN_KEY, location.pathname + location.search);
    let demo = false;
    try {
        demo = (await fetch("/demo/jwks.json", { method: "GET", cache: "no-store" })).ok;
    } catch (e) {
        demo = false;
    }
    const notice = document.getElementById("sign-in-needed");
    document.querySelectorAll("[data-needs-sign-in]").forEach((element) => (element.hidden = true));
    if (demo) {
        notice.querySelector("p").textContent = t("signInRedirect");
        notice.hidden = false;
        location.assign("/demo/sign-in.html");
    } else {
        notice.hidden = false;
        notice.focus();
    }
}

/** After signing in, the sign-in page lands on "/": go back to the page that asked (same site only). */
export function returnAfterSignIn() {
    const target = sessionStorage.getItem(RETURN_KEY);
    sessionStorage.removeItem(RETURN_KEY);
    if (target && target.startsWith("/") && !target.startsWith("//") && target !== location.pathname + location.search) {
        location.replace(target);
        return true;
    }
    return false;
}

function showAccount(claims) {
    const who = document.getElementById("who");
    if (who) {
        who.textContent = claims.name || "";
        who.hidden = !claims.name;
    }
    document.getElementById("sign-out")?.addEventListener("click", () => {
        sessionStorage.removeItem(TOKEN_KEY);
        location.assign("/");
    });
}

/**
 * One API call: {status, body} with the body parsed when it is JSON. A 401 sends the citizen to sign in again;
 * a network failure rejects.
 */
export async function call(method, path, { body, headers = {} } = {}) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const response = await fetch(path, {
        method,
        headers: {
            Accept: "application/json, application/problem+json",
            ...(token ? { Authorization: "Bearer " + token } : {}),
            ...(body === undefined ? {} : { "Content-Type": "application/json" }),
            ...headers
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store"
    });
    if (response.status === 401) {
        await goToSignIn();
        return new Promise(() => {});
    }
    const type = response.headers.get("Content-Type") || "";
    const parsed = type.includes("json") ? await response.json() : null;
    return { status: response.status, body: parsed };
}

/** GETs JSON, rejecting on anything but 200. */
export async function get(path) {
    const answer = await call("GET", path);
    if (answer.status !== 200) {
        const error = new Error((answer.body && answer.body.detail) || "HTTP " + answer.status);
        error.status = answer.status;
        throw error;
    }
    return answer.body;
}

/** A fresh idempotency key; crypto.randomUUID where the browser has it (secure contexts), else 122 random bits. */
export function newIdempotencyKey() {
    if (crypto.randomUUID) {
        return crypto.randomUUID();
    }
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The page's ?name= parameter. */
export function param(name) {
    return new URLSearchParams(location.search).get(name);
}
